/**
 * The dashboard across a crashed server: the real server runs as a child process (main.ts,
 * which serves the built dashboard); it is SIGKILLed under an open page. The header must show "reconnecting" (attempt, countdown), then
 * "connected" again after the restart, and events published meanwhile must show up exactly once
 * (the client resumes from its last seq on the same SQLite event log).
 */
import { EXAMPLE_EVENTS } from '@hdns/protocol';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { apiRequest, makeTempDir, removeDir } from './helpers.js';
import {
  ensureDashboardBuilt,
  hasChromium,
  launchBrowser,
  publish,
  screenshot,
  signIn,
  until,
  waitConnected,
} from './e2e-helpers.js';
import { freePort, startServerProcess, type ServerProcess } from './process.js';

const PASSWORD = 'restart-e2e-password';
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

describe.skipIf(!hasChromium)('dashboard across a killed and restarted server', () => {
  it('goes to reconnecting, back to connected, and shows events from the outage once', async () => {
    await ensureDashboardBuilt();
    const dataDir = await makeTempDir('hdns-e2e-restart-');
    cleanup.push(() => removeDir(dataDir));
    const port = await freePort();
    const env = { HDNS_DATA_DIR: dataDir, HDNS_ADMIN_PASSWORD: PASSWORD };
    let proc: ServerProcess = await startServerProcess(env, port);
    cleanup.push(() => proc.stop());
    const login = await apiRequest(`${proc.url}/api/auth/login`, {
      body: { username: 'admin', password: PASSWORD },
    });
    const token = (login.body as { accessToken: string }).accessToken;

    const browser: Browser = await launchBrowser();
    cleanup.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await signIn(page, proc.url, 'admin', PASSWORD);
    await page.goto(`${proc.url}/events`);
    await waitConnected(page);

    await proc.kill();
    const state = page.getByTestId('connection-state');
    await page.locator('[data-testid="connection-state"][data-state="reconnecting"]').waitFor();
    await until(
      () => state.innerText(),
      (t) => /Reconnecting \(attempt \d+\)/.test(t),
      'attempt',
    );
    await until(
      () => state.innerText(),
      (t) => /retry in \d+s|retrying/.test(t),
      'countdown',
    );
    await screenshot(page, 'reconnecting');

    proc = await startServerProcess(env, port);
    // The page's token stays valid: same data dir, same signing secret. Publish right away,
    // most likely before the page's next retry.
    const titles = ['Outage alert 1', 'Outage alert 2', 'Outage alert 3'];
    for (const [i, title] of titles.entries()) {
      await publish(proc.url, token, 'security_alert', {
        ...EXAMPLE_EVENTS.security_alert,
        alertId: `outage-${i}`,
        title,
      });
    }
    await waitConnected(page, 30_000);

    await page.getByRole('button', { name: /Notifications/ }).click();
    const panel = page.locator('#notification-panel');
    for (const title of titles) await panel.getByText(title).waitFor();
    await page.waitForTimeout(1_000); // a duplicate would arrive within this
    for (const title of titles)
      expect(await panel.locator('li', { hasText: title }).count()).toBe(1);
    // Resumed, not resynced: the server still had everything after the page's position.
    expect(await page.getByText('resynced').count()).toBe(0);
  });
});
