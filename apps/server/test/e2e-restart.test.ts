/**
 * The dashboard across a crashed server: the real server runs as a child process (main.ts,
 * which serves the built dashboard); it is SIGKILLed under an open page. The header must show
 * "reconnecting" (attempt, countdown), then "connected" again after the restart.
 *
 * - Same event log: the page's new sockets are held back (page.routeWebSocket closes them with
 *   SERVER_RESTARTING) until the outage events are published, so the page can only get them
 *   through the resume replay; its welcome must say resume ok, and each shows exactly once.
 * - Fresh event log (new epoch): the resume fails and the header shows the "resynced" hint.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { CloseCode, EXAMPLE_EVENTS } from '@hdns/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  waitForValue,
  apiRequest,
  makeTempDir,
  removeDir,
  freePort,
  startServerProcess,
  type ServerProcess,
} from '@hdns/testkit';
import {
  ensureDashboardBuilt,
  launchBrowser,
  publish,
  screenshot,
  signIn,
  waitConnected,
} from './e2e-helpers.js';

const PASSWORD = 'restart-e2e-password';
const cleanup: (() => Promise<void>)[] = [];
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  cleanup.push(() => browser.close());
  await ensureDashboardBuilt();
}, 150_000);
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

/** A server process on a fresh data dir, an admin token, and an admin page on /events. */
async function start(): Promise<{
  env: Record<string, string>;
  port: number;
  proc: () => ServerProcess;
  restart: () => Promise<ServerProcess>;
  token: string;
  page: Page;
  /** While true, the page's WebSockets are closed with SERVER_RESTARTING at once. */
  holdBack: { on: boolean };
}> {
  const dataDir = await makeTempDir('hdns-e2e-restart-');
  cleanup.push(() => removeDir(dataDir));
  const port = await freePort();
  const env = { HDNS_DATA_DIR: dataDir, HDNS_ADMIN_PASSWORD: PASSWORD };
  let proc = await startServerProcess(env, port);
  cleanup.push(() => proc.stop());
  const login = await apiRequest(`${proc.url}/api/auth/login`, {
    body: { username: 'admin', password: PASSWORD },
  });
  const token = (login.body as { accessToken: string }).accessToken;
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  // Routed from before the first navigation: a route added later may miss the document's
  // WebSocket constructor. Until told otherwise the socket simply goes to the server.
  const holdBack = { on: false };
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (holdBack.on) {
      void ws.close({ code: CloseCode.SERVER_RESTARTING, reason: 'held by the test' });
    } else {
      ws.connectToServer();
    }
  });
  await signIn(page, proc.url, 'admin', PASSWORD);
  await page.goto(`${proc.url}/events`);
  await waitConnected(page);
  return {
    env,
    port,
    proc: () => proc,
    restart: async () => (proc = await startServerProcess(env, port)),
    token,
    page,
    holdBack,
  };
}

const stateBadge = (page: Page) => page.getByTestId('connection-state');

describe('dashboard across a killed and restarted server', () => {
  it('goes to reconnecting, back to connected, and gets the outage events once through resume', async () => {
    const { proc, restart, token, page, holdBack } = await start();
    holdBack.on = true; // from the start of the outage until the events are published

    await proc().kill();
    const state = stateBadge(page);
    await page.locator('[data-testid="connection-state"][data-state="reconnecting"]').waitFor();
    await waitForValue(
      () => state.innerText(),
      (t) => /Reconnecting \(attempt \d+\)/.test(t),
      'attempt',
    );
    await waitForValue(
      () => state.innerText(),
      (t) => /retry in \d+s|retrying/.test(t),
      'countdown',
    );
    await screenshot(page, 'reconnecting');

    const server = await restart();
    // The page's token stays valid: same data dir, same signing secret.
    const titles = ['Outage alert 1', 'Outage alert 2', 'Outage alert 3'];
    for (const [i, title] of titles.entries()) {
      await publish(server.url, token, 'security_alert', {
        ...EXAMPLE_EVENTS.security_alert,
        alertId: `outage-${i}`,
        title,
      });
    }
    expect(await state.getAttribute('data-state')).not.toBe('open');
    holdBack.on = false;
    await waitConnected(page, 30_000);
    // The welcome said the resume was honoured and replayed (at least) the three alerts.
    expect(await state.getAttribute('data-resume')).toBe('ok');
    expect(Number(await state.getAttribute('data-replayed'))).toBeGreaterThanOrEqual(titles.length);

    await page.getByRole('button', { name: /Notifications/ }).click();
    const panel = page.locator('#notification-panel');
    for (const title of titles) await panel.getByText(title).waitFor();
    await page.waitForTimeout(1_000); // a duplicate would arrive within this
    for (const title of titles)
      expect(await panel.locator('li', { hasText: title }).count()).toBe(1);
    expect(await page.getByText('resynced').count()).toBe(0);
  });

  it('shows the "resynced" hint when the restarted server has a new event log (epoch)', async () => {
    const { env, proc, restart, token, page } = await start();
    await publish(proc().url, token, 'system_status'); // the page has a position to resume from
    await proc().kill();
    await page.locator('[data-testid="connection-state"][data-state="reconnecting"]').waitFor();
    const events = path.join(env.HDNS_DATA_DIR!, 'events.sqlite');
    for (const f of [events, `${events}-wal`, `${events}-shm`]) await rm(f, { force: true });
    await restart();
    await waitConnected(page, 30_000);
    const state = stateBadge(page);
    expect(await state.getAttribute('data-resume')).toBe('failed');
    await state.getByText('resynced').waitFor();
    await screenshot(page, 'resynced');
  });
});
