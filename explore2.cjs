const { AuthNats } = require('@switchyard/testkit');
const { connectNats, ensureStream } = require('@switchyard/messaging');
const { jetstream, jetstreamManager } = require('@nats-io/jetstream');
const { topology } = require('@switchyard/contracts');
(async () => {
  const ns = 'nay' + Date.now().toString(36).slice(-5);
  const nats = await AuthNats.start(ns);
  const t = topology(ns);
  try {
    const pay = await connectNats({ settings: nats.settingsOf('payments'), name: 'payments' });
    await ensureStream(await jetstreamManager(pay), t.nats.streams.paymentEvents, { replicas: 1, logger: console });
    const ord = await connectNats({ settings: nats.settingsOf('orders'), name: 'orders' });
    await ensureStream(await jetstreamManager(ord), t.nats.streams.orders, { replicas: 1, logger: console });
    const gw = await connectNats({ settings: nats.settingsOf('gateway'), name: 'gateway' });
    const t0 = Date.now();
    try { await jetstream(gw).publish(t.nats.subjects.paymentEvents('o1'), 'x', { timeout: 3000 }); console.log('gw publish OK?!'); } catch (e) { console.log('gw publish:', e.constructor.name, e.message, Date.now() - t0, 'ms'); }
    try { const jsm = await jetstreamManager(gw); console.log('gw jsm ok'); await jsm.streams.delete(t.nats.streams.orders.name); console.log('deleted?!'); } catch (e) { console.log('gw delete:', e.constructor.name, e.message); }
    try { const jsm = await jetstreamManager(gw, { checkAPI: false }); await jsm.streams.purge(t.nats.streams.orders.name); console.log('purged?!'); } catch (e) { console.log('gw purge:', e.constructor.name, e.message); }
    try { await jetstream(pay).publish(t.nats.subjects.orderEvents('o1'), 'x', { timeout: 3000 }); console.log('pay publish OK?!'); } catch (e) { console.log('pay publish:', e.constructor.name, e.message); }
    try { await jetstream(pay).publish(t.nats.subjects.paymentEvents('o1'), 'x', { timeout: 3000 }); console.log('pay publish own OK'); } catch (e) { console.log('pay publish own:', e.constructor.name, e.message); }
    try { await (await jetstreamManager(ord)).streams.delete(t.nats.streams.orders.name); console.log('orders deleted?!'); } catch (e) { console.log('orders delete:', e.constructor.name, e.message); }
    const anon = await connectNats({ settings: { NATS_URL: nats.url }, name: 'anon' }).then(() => 'connected?!', e => e.message); console.log('anon:', anon);
    for (const c of [pay, ord, gw]) await c.close();
  } finally { console.log(nats.violations().map(l => l.replace(/^.*\] /, '')).join('\n')); await nats.stop(); }
})();
