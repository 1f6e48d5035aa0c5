import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { FaultsStateSchema, type FaultsState } from '@switchyard/contracts';
import {
  adminHeaders,
  repoRoot,
  testAdminToken,
  TestNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { DashboardBrowser } from './browser/dashboard-browser';
import { FaultDemo } from './faults/fault-demo';

/**
 * Short faults keep the suite short; the demo's are 20 s and 5 s. The bridge stays down
 * 12 s: the page must see it gone (its control-plane poll, once a second) before the
 * supervisor's new bridge answers; with 3 s that window closed unseen on a loaded machine.
 */
const KAFKA_SECONDS = 6;
const RESTART_SECONDS = 12;
/** kafka.sh up on a busy 2-core machine, and a bridge's start, take a while. */
const RECOVERY_MS = 150_000;

/**
 * ### "Break things" from the page, for real (ADR 0047)
 *
 * The same pieces `npm run demo` starts: a broker of this suite's own (`kafka.sh`, so
 * stopping it disturbs no other suite), the bridge under `supervise.sh`, the fault injector,
 * and a gateway that forwards to it. The buttons are clicked in Chromium; what they do is
 * checked on the world (the broker's port, the bridge's pid) and on the page (the
 * topology's marks), each by waiting for the state, never for a time.
 */
describe('faults from the dashboard', () => {
  let demo: FaultDemo;
  let suite: TestNamespace;
  let gateway: ServiceProcess;
  let browser: DashboardBrowser;
  let page: Page;
  const browserErrors: string[] = [];

  const faults = async (): Promise<FaultsState> => {
    const response = await fetch(`${gateway.url}/admin/faults`, { headers: adminHeaders() });
    return FaultsStateSchema.parse(await response.json());
  };

  beforeAll(async () => {
    demo = await FaultDemo.withKafka();
    suite = new TestNamespace('f', { KAFKA_BROKERS: demo.kafkaBrokers });
    await demo.startSupervisedBridge({ ...suite.env, BRIDGE_ACK_WAIT_MS: '2000' }, RESTART_SECONDS);
    const injector = await demo.startInjector({
      FAULTS_KAFKA_SECONDS: String(KAFKA_SECONDS),
      FAULTS_BRIDGE_RESTART_SECONDS: String(RESTART_SECONDS),
    });
    gateway = await suite.startOne({
      app: 'gateway',
      env: { FAULT_INJECTOR_URL: injector },
      timeoutMs: 60_000,
    });

    browser = await DashboardBrowser.launch();
    page = browser.page;
    page.on('pageerror', (error) => browserErrors.push(String(error)));
    await page.goto(gateway.url);
    await page.getByLabel('Admin token').fill(testAdminToken);
    await page.getByLabel('Admin token').press('Enter');
    // The bridge answers on the control plane: the topology knows it runs.
    await page.locator('#topology [data-node="bridge"]:not(.down)').waitFor({ timeout: 60_000 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await suite?.close();
    await demo?.remove();
  }, 120_000);

  it('offers the two faults behind the admin token, each labelled with what it does', async () => {
    expect((await fetch(`${gateway.url}/admin/faults`)).status).toBe(401);
    const unknown = await fetch(`${gateway.url}/admin/faults/rm-rf`, {
      method: 'POST',
      headers: adminHeaders({ 'content-type': 'application/json' }),
      body: '{}',
    });
    expect(unknown.status).toBe(404);
    expect(await faults()).toMatchObject({
      available: true,
      running: null,
      actions: [
        { id: 'stop-kafka', label: `Stop Kafka for ${KAFKA_SECONDS} s` },
        {
          id: 'kill-bridge',
          label: `Kill the bridge (SIGKILL); the demo restarts it after ${RESTART_SECONDS} s`,
        },
      ],
    });
    await page.getByRole('button', { name: `Stop Kafka for ${KAFKA_SECONDS} s` }).waitFor();
  });

  it('stops Kafka for N s: the broker is down, the topology marks Kafka unreachable, then both recover', async () => {
    const topic = page.locator(
      `#topology [data-node="${suite.names.kafka.topics.orderEvents.name}"]`,
    );
    expect(await demo.kafkaAnswers()).toBe(true);
    // A fresh broker answers before its group coordinator does (__consumer_offsets is being
    // created): the lag panel, and so the mark, wait for that.
    await page
      .locator(`#topology [data-node="${suite.names.kafka.topics.orderEvents.name}"]:not(.down)`)
      .waitFor({ timeout: 60_000 });

    await page.getByRole('button', { name: `Stop Kafka for ${KAFKA_SECONDS} s` }).click();
    await page
      .locator('#faults-section[data-state="stop-kafka:down"]')
      .waitFor({ timeout: 60_000 });
    // Really down: nothing answers on the broker's port.
    expect(await demo.kafkaAnswers()).toBe(false);
    // One fault at a time: the other is refused while this one runs, and its button is off.
    const second = await fetch(`${gateway.url}/admin/faults/kill-bridge`, {
      method: 'POST',
      headers: adminHeaders({ 'content-type': 'application/json' }),
      body: '{}',
    });
    expect(second.status).toBe(409);
    expect(await page.locator('button[data-fault="kill-bridge"]').isDisabled()).toBe(true);
    await topic.locator('.state', { hasText: 'unreachable' }).waitFor({ timeout: 30_000 });
    expect(await topic.getAttribute('class')).toContain('down');
    await page
      .locator('section.lessons, section.topology')
      .last()
      .screenshot({
        path: join(repoRoot, 'test-artifacts', 'dashboard-faults-kafka-down.png'),
      });

    // kafka.sh up: the injector reports it recovered, the broker answers, the mark goes.
    await page
      .locator('#faults-result', { hasText: 'stop-kafka: recovered' })
      .waitFor({ timeout: RECOVERY_MS });
    expect(await demo.kafkaAnswers()).toBe(true);
    await page
      .locator(`#topology [data-node="${suite.names.kafka.topics.orderEvents.name}"]:not(.down)`)
      .waitFor({ timeout: 60_000 });
    expect(await topic.locator('.state').textContent()).toBe('');
    expect((await faults()).last).toMatchObject({ action: 'stop-kafka', outcome: 'recovered' });
  }, 300_000);

  it('kills the bridge: its process dies, the topology marks it not running, the supervisor brings a new one back', async () => {
    const killed = demo.bridgePid();
    expect(killed).toBeDefined();
    const bridgeNode = page.locator('#topology [data-node="bridge"]');

    await page
      .getByRole('button', {
        name: `Kill the bridge (SIGKILL); the demo restarts it after ${RESTART_SECONDS} s`,
      })
      .click();
    await waitFor('the bridge process is gone', () => {
      try {
        process.kill(killed!, 0);
        return false;
      } catch {
        return true;
      }
    });
    await page
      .locator('#topology [data-node="bridge"].down', { hasText: 'not running' })
      .waitFor({ timeout: 30_000 });

    // supervise.sh starts a new bridge; once it answers on the control plane the mark goes.
    const restarted = await waitFor(
      'a new bridge process',
      () => {
        const pid = demo.bridgePid();
        return pid !== undefined && pid !== killed ? pid : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(restarted).not.toBe(killed);
    await page
      .locator('#faults-result', { hasText: 'kill-bridge: recovered' })
      .waitFor({ timeout: RECOVERY_MS });
    await page.locator('#topology [data-node="bridge"]:not(.down)').waitFor({ timeout: 60_000 });
    expect(await bridgeNode.locator('.state').textContent()).toBe('');
    expect(browserErrors).toEqual([]);
  }, 300_000);
});
