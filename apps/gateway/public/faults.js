// "Break things": the faults the no-Docker demo's injector offers (ADR 0047).
// The page only asks: GET /admin/faults for what is offered and what runs, POST
// /admin/faults/<action> to start one. The gateway forwards to the injector, which alone
// can stop Kafka or kill the bridge; elsewhere (Compose, Kubernetes) there is none, and the
// buttons say so instead of failing.
'use strict';

(() => {
  const { $, el, authorization } = window.SwitchyardPage;
  const say = (text, isError) => window.SwitchyardPage.say('faults-result', text, isError);
  /** Shown, disabled, where no injector runs: so a demo runner sees what exists. */
  const KNOWN = [
    { id: 'stop-kafka', label: 'Stop Kafka for a while' },
    { id: 'kill-bridge', label: 'Kill the bridge' },
  ];
  const PHASES = {
    stopping: 'stopping',
    down: 'down',
    restarting: 'coming back',
  };
  const RUNNING_EVERY_MS = 1000;
  const IDLE_EVERY_MS = 5000;

  async function call(method, path) {
    const response = await fetch(path, {
      method,
      headers: {
        ...authorization(),
        // An admin POST is JSON, even empty (ADR 0034).
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      body: method === 'POST' ? '{}' : undefined,
    });
    const body = await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, body };
  }

  const problemText = ({ status, body }) =>
    body?.title ? `${status} ${body.title}${body.detail ? `: ${body.detail}` : ''}` : `${status}`;

  /** The list of buttons: enabled only when offered and nothing runs. */
  function render(state) {
    const offered = new Map((state?.actions ?? []).map((action) => [action.id, action]));
    const shown = state?.available ? state.actions : KNOWN;
    $('fault-list').replaceChildren(
      ...shown.map((action) => {
        const item = el('li');
        const button = el('button', action.label);
        button.type = 'button';
        button.dataset.fault = action.id;
        button.disabled = !offered.has(action.id) || Boolean(state?.running);
        button.addEventListener('click', () => start(action.id));
        item.append(button);
        if (offered.has(action.id)) item.append(el('p', action.description, 'hint'));
        return item;
      }),
    );
  }

  /** One line: what runs now and how long it has left, or how the last one ended. */
  function describe(state) {
    const { running, last } = state;
    if (running) {
      const left = running.remainingSeconds > 0 ? `, ${running.remainingSeconds} s left` : '';
      return `${running.label}: ${PHASES[running.phase] ?? running.phase}${left}`;
    }
    if (last) {
      const at = new Date(last.endedAt).toLocaleTimeString([], { hour12: false });
      return last.outcome === 'recovered'
        ? `${last.action}: recovered at ${at}`
        : `${last.action}: failed at ${at}: ${last.error ?? 'no reason given'}`;
    }
    return 'Nothing broken.';
  }

  let timer;
  let wasRunning = false;

  async function refresh() {
    clearTimeout(timer);
    let next = IDLE_EVERY_MS;
    if (!document.hidden) {
      const result = await call('GET', '/admin/faults').catch((error) => ({
        ok: false,
        status: 0,
        body: { title: String(error) },
      }));
      if (!result.ok) {
        render(null);
        say(
          result.status === 401
            ? 'Faults need the admin token (the field at the top).'
            : `Faults unavailable: ${problemText(result)}`,
          result.status !== 401,
        );
      } else {
        const state = result.body;
        render(state);
        $('faults-section').dataset.state = state.running
          ? `${state.running.action}:${state.running.phase}`
          : 'idle';
        if (!state.available) say(`Unavailable here. ${state.reason ?? ''}`.trim());
        else say(describe(state), state.last?.outcome === 'failed' && !state.running);
        const running = Boolean(state.running);
        // The rest of the page (consumer list, topology) refreshes with each tick of a
        // fault, and once more when it ends, so a killed bridge shows up within a second.
        if (running || wasRunning) {
          document.dispatchEvent(new CustomEvent('switchyard:fault', { detail: state }));
        }
        wasRunning = running;
        if (running) next = RUNNING_EVERY_MS;
      }
    }
    timer = setTimeout(refresh, next);
  }

  async function start(action) {
    for (const button of $('fault-list').querySelectorAll('button')) button.disabled = true;
    const result = await call('POST', `/admin/faults/${encodeURIComponent(action)}`).catch(
      (error) => ({ ok: false, status: 0, body: { title: String(error) } }),
    );
    if (!result.ok) say(`Not started: ${problemText(result)}`, true);
    await refresh();
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh();
  });
  // The token is typed into dashboard.js's form: look again once it is there.
  $('token-form').addEventListener('submit', () => setTimeout(refresh, 0));
  $('token-forget').addEventListener('click', () => setTimeout(refresh, 0));
  refresh();
})();
