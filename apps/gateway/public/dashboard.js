// Switchyard's dashboard: plain browser JavaScript, no build step (ADR 0013).
// Every button calls the real HTTP API; the feed is the gateway's GET /events stream.
'use strict';

(() => {
  const { $, el, say, TOKEN_KEY, adminToken, authorization } = window.SwitchyardPage;
  const EVENTS = ['placed', 'confirmed', 'cancelled', 'rejected'];
  const DEMO_REGIONS = ['eu-west', 'us-east', 'ap-south'];
  const MAX_FEED_ITEMS = 100;
  const OVERVIEW_EVERY_MS = 2000;

  // ### Small helpers

  /** A v4 UUID; crypto.randomUUID exists only in secure contexts (https, localhost). */
  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function row(cells) {
    const tr = el('tr');
    for (const cell of cells) tr.append(el('td', cell));
    return tr;
  }

  // ### The admin token: asked for on the page, kept for this tab's session only (page.js)

  function showTokenState(message) {
    say(
      'token-status',
      message ??
        (adminToken()
          ? 'Admin token set for this tab: pause, resume, rebuild and the full feed.'
          : 'No admin token: the feed hides order ids; admin buttons need the token.'),
      Boolean(message),
    );
  }

  /** An admin call answered 401: the token is missing or wrong, so ask for it. */
  function askForToken(result) {
    if (result.status !== 401) return;
    const title = result.body?.title ?? 'Unauthorized';
    showTokenState(`The admin API answered 401 ${title}: enter the admin token above.`);
    $('admin-token').focus();
  }

  /** Calls the API; resolves to { ok, status, body }; `body` is JSON when the API sent JSON. */
  async function api(method, path, body, headers = {}) {
    const admin = path.startsWith('/admin/');
    // Admin POSTs are JSON even without a body: a plain HTML form cannot send that.
    const payload = body ?? (admin && method === 'POST' ? {} : undefined);
    const response = await fetch(path, {
      method,
      headers: {
        ...(payload ? { 'content-type': 'application/json' } : {}),
        ...(admin ? authorization() : {}),
        ...headers,
      },
      body: payload ? JSON.stringify(payload) : undefined,
    });
    const text = await response.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { ok: response.ok, status: response.status, body: parsed };
  }

  /** RFC 9457 problem details (or anything else) as one line for a person. */
  function problemText({ status, body }) {
    if (body && typeof body === 'object' && body.title) {
      return `${status} ${body.title}${body.detail ? `: ${body.detail}` : ''}`;
    }
    return `${status} ${typeof body === 'string' ? body.slice(0, 120) : ''}`.trim();
  }

  // ### Live feed: EventSource on /events (core NATS, at-most-once)

  const counters = new Map();

  function renderCounters() {
    const body = $('region-counters');
    body.replaceChildren(
      ...[...counters.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([region, counts]) => row([region, ...EVENTS.map((event) => counts[event])])),
    );
  }

  function onOrder(notification) {
    const counts =
      counters.get(notification.region) ?? Object.fromEntries(EVENTS.map((event) => [event, 0]));
    counts[notification.event] += 1;
    counters.set(notification.region, counts);
    renderCounters();

    const item = el('li', undefined, notification.event);
    // The full feed names the order; the public one only tells its events apart.
    if (notification.orderId) item.dataset.orderId = notification.orderId;
    else item.dataset.orderRef = notification.orderRef;
    const label = notification.orderId ?? `order #${notification.orderRef}`;
    const time = new Date(notification.occurredAt).toLocaleTimeString([], { hour12: false });
    item.append(
      el('time', time),
      el('span', notification.event),
      el('span', notification.region),
      el('code', notification.reason ? `${label} (${notification.reason})` : label),
    );
    item.querySelector('time').dateTime = notification.occurredAt;
    const feed = $('feed');
    feed.prepend(item);
    while (feed.children.length > MAX_FEED_ITEMS) feed.lastElementChild.remove();
  }

  const feedHandlers = {
    ready: (_data, full) => {
      const status = $('connection');
      status.textContent = full
        ? 'Live feed: connected (admin: order ids and reasons; core NATS → SSE, at-most-once)'
        : 'Live feed: connected (public: no order ids; core NATS → SSE, at-most-once)';
      status.className = 'status ok';
    },
    order: (data) => onOrder(data),
    'rebuild-progress': (data) => onRebuildProgress(data),
    dropped: ({ dropped }) => {
      $('feed-dropped').textContent =
        `${dropped} events dropped: this page read too slowly, and the feed never queues (at-most-once).`;
    },
  };

  /** Dispatches the `event:`/`data:` blocks of a Server-Sent Events body. */
  function dispatchBlock(block, full) {
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (data && feedHandlers[event]) feedHandlers[event](JSON.parse(data), full);
  }

  // ### Live feed: Server-Sent Events read with fetch (core NATS, at-most-once)
  //
  // With the admin token, GET /admin/events (whole notifications); without, GET /events
  // (no order ids). Read with fetch rather than EventSource, which cannot send a header.

  let feedAbort;
  let feedRetry;
  /** This port answered 404 for /admin: the gateway serves it on its admin port only. */
  let adminElsewhere = false;

  async function connectFeed() {
    feedAbort?.abort();
    clearTimeout(feedRetry);
    const abort = new AbortController();
    feedAbort = abort;
    const full = Boolean(adminToken()) && !adminElsewhere;
    try {
      const response = await fetch(full ? '/admin/events' : '/events', {
        headers: { accept: 'text/event-stream', ...authorization() },
        signal: abort.signal,
      });
      if (response.status === 401) {
        askForToken({ status: 401, body: await response.json().catch(() => null) });
        sessionStorage.removeItem(TOKEN_KEY);
        return connectFeed();
      }
      if (full && response.status === 404) {
        // The gateway serves /admin on another port (ADMIN_PORT): the public feed here.
        showTokenState('This port does not serve /admin: open the dashboard on the admin port.');
        adminElsewhere = true;
        return connectFeed();
      }
      if (!response.ok || !response.body)
        throw new Error(`GET /events answered ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatchBlock(buffer.slice(0, end), full);
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // The connection failed or broke: reconnect below, unless we hung up ourselves.
    }
    if (abort.signal.aborted) return;
    // Reconnect by ourselves, as EventSource would. What was published in between is gone
    // for good: core NATS kept it for nobody. JetStream and Kafka consumers would get all of it.
    const status = $('connection');
    status.textContent =
      'Live feed: reconnecting… (events published meanwhile are lost: at-most-once)';
    status.className = 'status bad';
    feedRetry = setTimeout(connectFeed, 2000);
  }

  function useToken(event) {
    event.preventDefault();
    const input = $('admin-token');
    const token = input.value.trim();
    input.value = '';
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    showTokenState();
    connectFeed();
    loadConsumers();
  }

  function forgetToken() {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    connectFeed();
    loadConsumers();
  }

  // ### Lesson: place a burst of orders

  async function placeBurst(event) {
    event.preventDefault();
    const form = event.target;
    const count = Math.min(200, Math.max(1, Number(form.count.value) || 1));
    const region = form.region.value;
    const customerId = form.customer.value;
    const button = $('burst-button');
    button.disabled = true;
    say('burst-result', `Placing ${count}…`);
    const results = [];
    let next = 0;
    // Five at a time: a burst, not a denial of service from one browser tab.
    const worker = async () => {
      while (next < count) {
        const index = next++;
        const order = {
          customerId,
          region: region === 'mixed' ? DEMO_REGIONS[index % DEMO_REGIONS.length] : region,
          items: [{ sku: ['SKU-1', 'SKU-2', 'SKU-3'][index % 3], quantity: 1 }],
        };
        // A fresh key per order: a retry of this very request would return the same order.
        results.push(
          await api('POST', '/orders', order, { 'idempotency-key': uuid() }).catch((error) => ({
            ok: false,
            status: 0,
            body: String(error),
          })),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(5, count) }, worker));
    const placed = results.filter((result) => result.status === 201);
    const failed = results.filter((result) => result.status !== 201);
    const last = placed.at(-1)?.body?.orderId;
    say(
      'burst-result',
      `Placed ${placed.length} of ${count} (201)` +
        (last ? `; last order ${last}` : '') +
        (failed.length ? `; ${failed.length} failed: ${problemText(failed[0])}` : ''),
      failed.length > 0,
    );
    button.disabled = false;
  }

  // ### Lesson: stop and start a consumer (GET /admin/consumers, POST .../pause|resume)

  async function loadConsumers() {
    const list = $('consumer-list');
    const result = await api('GET', '/admin/consumers').catch((error) => ({
      ok: false,
      status: 0,
      body: String(error),
    }));
    // The topology (topology.js) marks paused and stopped services; null: not known.
    const known = result.ok && Array.isArray(result.body) ? result.body : null;
    document.dispatchEvent(new CustomEvent('switchyard:consumers', { detail: known }));
    if (!known) {
      list.replaceChildren();
      say('consumer-result', `Consumer control unavailable: ${problemText(result)}`, true);
      askForToken(result);
      return;
    }
    const byService = new Map();
    for (const consumer of result.body) {
      byService.set(consumer.service, [...(byService.get(consumer.service) ?? []), consumer]);
    }
    list.replaceChildren(
      ...[...byService.entries()].map(([service, consumers]) => {
        const instances = Math.max(...consumers.map((consumer) => consumer.instances));
        const paused = consumers.every((consumer) => consumer.paused);
        const state = instances === 0 ? 'not running' : paused ? 'paused' : 'consuming';
        const item = el('li');
        item.append(
          el('span', service, 'name'),
          el('span', `${state} (${instances} instance${instances === 1 ? '' : 's'})`),
        );
        for (const action of ['pause', 'resume']) {
          const button = el('button', action === 'pause' ? 'Pause' : 'Resume');
          button.type = 'button';
          button.setAttribute(
            'aria-label',
            `${action === 'pause' ? 'Pause' : 'Resume'} ${service} consumers`,
          );
          button.disabled = instances === 0 || (action === 'pause') === paused;
          button.addEventListener('click', () => controlConsumer(service, action));
          item.append(button);
        }
        return item;
      }),
    );
  }

  async function controlConsumer(service, action) {
    say('consumer-result', `${action === 'pause' ? 'Pausing' : 'Resuming'} ${service}…`);
    const result = await api('POST', `/admin/consumers/${encodeURIComponent(service)}/${action}`);
    say(
      'consumer-result',
      result.ok
        ? `${service}: ${result.body.paused ? 'paused' : 'consuming'} on ${result.body.instances} instance(s)`
        : problemText(result),
      !result.ok,
    );
    askForToken(result);
    await loadConsumers();
  }

  // ### Lesson: rebuild the projection, with a progress bar

  let rebuildPoll;

  function showRun(run) {
    if (!run) return;
    // The rebuild chart (charts.js) plots the run's rate.
    document.dispatchEvent(new CustomEvent('switchyard:rebuild', { detail: run }));
    const bar = $('rebuild-progress');
    const percent =
      run.eventsTotal > 0
        ? Math.min(100, (100 * run.eventsApplied) / run.eventsTotal)
        : run.state === 'running'
          ? 0
          : 100;
    bar.value = percent;
    bar.textContent = `${Math.round(percent)}%`;
    const rate = run.eventsPerSecond ? `, ${Math.round(run.eventsPerSecond)} events/s` : '';
    const eta =
      run.etaSeconds !== null && run.etaSeconds !== undefined
        ? `, ETA ${Math.ceil(run.etaSeconds)} s`
        : '';
    const states = {
      running: `Rebuilding v${run.version ?? '?'}: ${run.eventsApplied} of ${run.eventsTotal} events${rate}${eta}`,
      // A warning: an operator rebuilt from an incomplete history on purpose (ADR 0023).
      swapped: `Done: v${run.version} is live (${run.eventsApplied} events)${run.warning ? `; warning: ${run.warning}` : ''}`,
      failed: `Failed: ${run.error ?? 'unknown error'}; the live version never changed`,
    };
    say('rebuild-result', states[run.state] ?? run.state, run.state === 'failed' || !!run.warning);
  }

  function onRebuildProgress(progress) {
    if (progress.projection === 'orders') showRun(progress);
  }

  // Progress on SSE is at-most-once too: the status endpoint is the record, polled while a
  // run is going (and, after the button was pressed, until the rebuilder answers).
  async function pollRebuild(untilAnswered = false) {
    clearTimeout(rebuildPoll);
    const result = await api('GET', '/admin/projections/orders').catch(() => undefined);
    if (result?.ok) showRun(result.body.lastRun);
    const running = result?.ok && result.body.lastRun?.state === 'running';
    if (running || (untilAnswered && !result?.ok)) {
      rebuildPoll = setTimeout(() => pollRebuild(untilAnswered), 2000);
    } else {
      $('rebuild-button').disabled = false;
    }
  }

  async function startRebuild() {
    const button = $('rebuild-button');
    button.disabled = true;
    say('rebuild-result', 'Starting…');
    const result = await api('POST', '/admin/projections/orders/rebuild');
    if (result.status === 202 || result.status === 409) {
      if (result.status === 409) say('rebuild-result', problemText(result));
      await pollRebuild(true);
    } else {
      say('rebuild-result', problemText(result), true);
      askForToken(result);
      button.disabled = false;
    }
  }

  // ### Health panels: GET /api/overview (the gateway asks the brokers, cached ~1 s)

  const panelError = (tbody, columns, error) => {
    const tr = el('tr');
    const td = el('td', `unavailable: ${error}`, 'error');
    td.colSpan = columns;
    tr.append(td);
    tbody.replaceChildren(tr);
  };

  function figures(dl, pairs) {
    dl.replaceChildren(
      ...pairs.flatMap(([term, value, className]) => [el('dt', term), el('dd', value, className)]),
    );
  }

  const ms = (value) => (value === null || value === undefined ? '—' : `${value.toFixed(2)} ms`);

  function renderOverview(overview) {
    const latency = overview.requestReply;
    figures($('latency'), [
      ['p50', ms(latency.p50Ms)],
      ['p99', ms(latency.p99Ms)],
      ['max', ms(latency.maxMs)],
      ['replies', latency.count],
      ['window', `${Math.round(latency.windowMs / 1000)} s`],
    ]);

    const consumers = $('js-consumers');
    if (overview.jetStreamConsumers.ok) {
      consumers.replaceChildren(
        ...overview.jetStreamConsumers.value.map((consumer) =>
          consumer.state
            ? row([
                consumer.name,
                consumer.state.numPending,
                consumer.state.numAckPending,
                consumer.state.numRedelivered,
              ])
            : row([consumer.name, '—', '—', 'not created']),
        ),
      );
    } else panelError(consumers, 4, overview.jetStreamConsumers.error);

    const lag = $('kafka-lag');
    if (overview.kafkaLag.ok) {
      lag.replaceChildren(
        ...overview.kafkaLag.value.flatMap((group) => {
          // One header row per group (its name is long), then a row per partition.
          const header = el('tr');
          const th = el('th', `${group.group} on ${group.topic}`);
          th.colSpan = 4;
          th.scope = 'rowgroup';
          header.append(th);
          return [
            header,
            ...group.partitions.map((partition) =>
              row([
                `partition ${partition.partition}`,
                partition.committedOffset ?? '—',
                partition.endOffset,
                partition.lag,
              ]),
            ),
            row(['total', '', '', group.totalLag]),
          ];
        }),
      );
    } else panelError(lag, 4, overview.kafkaLag.error);

    const pairs = [];
    pairs.push([
      'bridge backlog',
      overview.bridgeBacklog.ok
        ? overview.bridgeBacklog.value.total
        : `unavailable: ${overview.bridgeBacklog.error}`,
    ]);
    const jsDead = overview.deadLetters.jetStream;
    if (jsDead.ok) {
      pairs.push(['dead letters (JetStream)', jsDead.value.total]);
      for (const subject of jsDead.value.subjects)
        pairs.push([`  ${subject.subject}`, subject.count]);
    } else pairs.push(['dead letters (JetStream)', `unavailable: ${jsDead.error}`, 'error']);
    const kafkaDead = overview.deadLetters.kafka;
    pairs.push([
      'dead letters (Kafka)',
      kafkaDead.ok ? kafkaDead.value.count : `unavailable: ${kafkaDead.error}`,
      kafkaDead.ok ? '' : 'error',
    ]);
    pairs.push(
      ['live feed clients', overview.liveFeed.clients],
      ['live feed NATS subscriptions', overview.liveFeed.subscriptions],
      ['live feed drops', overview.liveFeed.dropped],
    );
    figures($('backlog'), pairs);
    $('overview-age').textContent =
      `(as of ${new Date(overview.generatedAt).toLocaleTimeString([], { hour12: false })})`;
  }

  let overviewTimer;
  async function refreshOverview() {
    clearTimeout(overviewTimer);
    if (!document.hidden) {
      const result = await api('GET', '/api/overview').catch((error) => ({
        ok: false,
        status: 0,
        body: String(error),
      }));
      if (result.ok) {
        renderOverview(result.body);
        // The charts over time (charts.js) keep the samples.
        document.dispatchEvent(new CustomEvent('switchyard:overview', { detail: result.body }));
      } else $('overview-age').textContent = `(overview unavailable: ${problemText(result)})`;
    }
    overviewTimer = setTimeout(refreshOverview, OVERVIEW_EVERY_MS);
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refreshOverview();
  });

  $('burst-form').addEventListener('submit', placeBurst);
  $('token-form').addEventListener('submit', useToken);
  $('token-forget').addEventListener('click', forgetToken);
  showTokenState();
  $('rebuild-button').addEventListener('click', startRebuild);
  connectFeed();
  refreshOverview();
  loadConsumers();
  // Services come and go (that is the lesson): refresh their consumer list now and then.
  setInterval(() => document.hidden || loadConsumers(), 10000);
  // While a fault runs (faults.js), a service may vanish and come back: look every tick.
  document.addEventListener('switchyard:fault', () => loadConsumers());
  pollRebuild();
})();
