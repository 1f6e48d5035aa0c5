import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * Debian's chromium, driven by playwright-core: nothing is downloaded (ADR 0013). The
 * flags keep it quiet and self-contained: no GPU, no sandbox (CI containers run as
 * root), no QUIC, no background traffic to Google, no component or sync updates.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One headless Chromium with a profile of its own, and its first page. */
export class DashboardBrowser {
  private constructor(
    private readonly context: BrowserContext,
    private readonly userDataDir: string,
    readonly page: Page,
  ) {}

  /** Launched with an empty profile (a new directory), 1360×1000 like the README's screenshots. */
  static async launch(): Promise<DashboardBrowser> {
    const userDataDir = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1360, height: 1000 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    return new DashboardBrowser(context, userDataDir, page);
  }

  /** Closes the browser and deletes its profile. */
  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.userDataDir, { recursive: true, force: true });
  }
}
