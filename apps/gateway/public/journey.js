// An order's journey: plain browser JavaScript, no build step (ADR 0013).
// Click an order in the live feed (admin feed: it names orders) or paste its id, and
// GET /admin/orders/<id>/journey is drawn as a timeline: each hop, where it is recorded,
// and the milliseconds since the hop it follows (ADR 0046). Text only, never markup.
'use strict';

(() => {
  const { $, el, adminToken, authorization } = window.SwitchyardPage;
  const say = (text, isError) => window.SwitchyardPage.say('journey-status', text, isError);
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  /** `+12 ms` since the hop it follows; the first hop starts the clock. */
  function duration(hop) {
    if (hop.after === null) return 'start';
    // Negative only across two clocks that disagree (ADR 0046): shown as it was measured.
    const ms = Math.abs(hop.durationMs);
    return `${hop.durationMs < 0 ? '-' : '+'}${ms >= 10 ? Math.round(ms) : ms.toFixed(1)} ms`;
  }

  function details(hop) {
    return Object.entries(hop.details)
      .map(([name, value]) => `${name} ${value}`)
      .join(' · ');
  }

  function render(journey) {
    const list = $('journey-hops');
    list.replaceChildren(
      ...journey.hops.map((hop) => {
        const item = el('li', undefined, `hop ${hop.kind}`);
        item.dataset.hop = hop.id;
        item.dataset.kind = hop.kind;
        const time = el('time', new Date(hop.at).toISOString().slice(11, 23));
        time.dateTime = hop.at;
        const took = el('span', duration(hop), 'duration');
        took.dataset.durationMs = String(hop.durationMs);
        if (hop.after) took.title = `since ${hop.after}`;
        item.append(time, took, el('span', hop.label, 'label'), el('code', details(hop)));
        return item;
      }),
    );
    const trace = $('journey-trace');
    trace.replaceChildren();
    if (journey.traceUrl) {
      const link = el('a', `trace ${journey.traceId} in Jaeger`);
      link.href = journey.traceUrl;
      link.rel = 'noopener noreferrer';
      link.target = '_blank';
      trace.append(link);
    } else if (journey.traceId) {
      trace.append(el('span', `trace ${journey.traceId} (no JAEGER_UI_URL: no link)`));
    }
  }

  async function show(orderId) {
    $('journey-order').value = orderId;
    if (!UUID.test(orderId)) return say('An order id is a UUID.', true);
    if (!adminToken())
      return say('The journey is an admin view: enter the admin token above.', true);
    say(`Loading the journey of ${orderId}…`);
    const response = await fetch(`/admin/orders/${encodeURIComponent(orderId)}/journey`, {
      headers: authorization(),
    }).catch(() => undefined);
    const body = await response?.json().catch(() => undefined);
    if (!response?.ok) {
      $('journey-hops').replaceChildren();
      const why = body?.title ? `${response.status} ${body.title}` : 'no answer';
      return say(`Journey of ${orderId}: ${why}${body?.detail ? `: ${body.detail}` : ''}`, true);
    }
    render(body);
    say(`Journey of ${orderId}: ${body.hops.length} hops.`);
  }

  $('journey-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void show($('journey-order').value.trim());
  });
  // The feed's items carry the order id (admin feed only); one listener for all of them.
  $('feed').addEventListener('click', (event) => {
    const item = event.target instanceof Element ? event.target.closest('li') : null;
    if (item?.dataset.orderId) void show(item.dataset.orderId);
  });
})();
