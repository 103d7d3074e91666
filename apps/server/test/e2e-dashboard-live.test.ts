/**
 * Live behaviour of the dashboard in headless Chromium against the real server and a real
 * managed named: the offline state and its reconnect button, the query log's pause and resume
 * over real query traffic, record deletion seen live by a viewer, RPZ rules created and deleted
 * in the UI taking effect in named, an administrator disconnecting a user, the admin page's
 * list of users still running the old (legacy protocol) frontends, the old frontend's
 * tokenless socket opened from a signed-in page (the browser sends the session cookie itself),
 * and signing out and in again.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { waitForValue } from '@hdns/testkit';
import { createUser, screenshot, waitConnected } from './e2e-helpers.js';
import { startDashboardSuite, WIDE, type DashboardSuite } from './e2e-suite.js';

const VIEWER = { username: 'vic', password: 'viewer-password-2', role: 'viewer' };
const KICKED = { username: 'kim', password: 'kicked-password-1', role: 'viewer' };
const ZONE = 'pause.test';

const badge = (page: Page) => page.getByTestId('connection-state');
/** N of the query log's "· N new while paused" (0 when the text is not shown). */
const heldCount = (texts: string[]): number =>
  Math.max(0, ...texts.map((t) => Number(/(\d+) new while paused/.exec(t)?.[1] ?? 0)));

describe('dashboard live behaviour in headless Chromium', () => {
  let s: DashboardSuite;

  beforeAll(async () => {
    s = await startDashboardSuite();
    await createUser(s.server, s.admin, VIEWER);
    await createUser(s.server, s.admin, KICKED);
    const zone = await s.server.api('/api/zones', {
      token: s.admin,
      body: { name: ZONE, type: 'primary' },
    });
    expect(zone.status).toBe(201);
  }, 150_000);

  afterAll(async () => {
    await s?.close();
  });

  it('shows offline with a reconnect button, and connects again (network back, or the button)', async () => {
    const page = await s.signedIn('/');
    await page.context().setOffline(true); // Chromium fires the window's offline event
    await page.locator('[data-testid="connection-state"][data-state="reconnecting"]').waitFor();
    await badge(page).getByText('Offline').waitFor();
    await badge(page).getByText('waiting for the network').waitFor();
    await page.getByRole('button', { name: 'Reconnect now' }).waitFor();
    await screenshot(page, 'offline');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Reconnect now' }).waitFor();
    await screenshot(page, 'offline-narrow');
    await page.setViewportSize(WIDE);
    await page.context().setOffline(false);
    await waitConnected(page);

    // An offline signal while the network works: only the button brings the socket back.
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await badge(page).getByText('waiting for the network').waitFor();
    await page.waitForTimeout(1_500);
    expect(await badge(page).getAttribute('data-state')).toBe('reconnecting');
    await page.getByRole('button', { name: 'Reconnect now' }).click();
    await waitConnected(page);
    expect(await page.getByRole('button', { name: 'Reconnect now' }).count()).toBe(0);
  });

  it('pauses the query log (new queries held and counted), resume catches up', async () => {
    const page = await s.signedIn('/queries');
    const rows = page.getByTestId('query-row');
    await s.dig(`before.${ZONE}`);
    await rows
      .filter({ hasText: `before.${ZONE}` })
      .first()
      .waitFor();

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(
      page.getByRole('button', { name: 'Resume' }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');
    const shownBefore = await rows.count();
    for (let i = 0; i < 3; i++) await s.dig(`held-${i}.${ZONE}`);
    // At least 3: named may log a query of its own (or a monitor's) meanwhile, held the same way.
    await expect
      .poll(async () => heldCount(await page.getByText(/new while paused/).allInnerTexts()), {
        timeout: 15_000,
      })
      .toBeGreaterThanOrEqual(3);
    expect(await rows.filter({ hasText: `.${ZONE}` }).allInnerTexts()).not.toContainEqual(
      expect.stringContaining('held-'),
    );
    expect(await rows.count()).toBe(shownBefore);

    await page.getByRole('button', { name: 'Resume' }).click();
    for (let i = 0; i < 3; i++) await rows.filter({ hasText: `held-${i}.${ZONE}` }).waitFor();
    expect(await page.getByText(/new while paused/).count()).toBe(0);
    await s.dig(`after.${ZONE}`); // live again
    await rows
      .filter({ hasText: `after.${ZONE}` })
      .first()
      .waitFor();
  });

  it('deletes a record after confirmation; a viewer sees it go live, with who did it', async () => {
    const created = await s.server.api(`/api/zones/${ZONE}/records`, {
      token: s.admin,
      body: { name: 'gone', type: 'A', value: '192.0.2.77' },
    });
    expect(created.status).toBe(201);
    const adminPage = await s.signedIn(`/zones/${ZONE}`);
    const viewerPage = await s.signedIn(`/zones/${ZONE}`, VIEWER);
    const viewerRow = viewerPage.getByTestId('record-row').filter({ hasText: '192.0.2.77' });
    await viewerRow.waitFor();
    expect(await viewerPage.getByRole('button', { name: 'Delete gone A' }).count()).toBe(0);

    await adminPage.getByRole('button', { name: 'Delete gone A' }).click();
    const confirm = adminPage.getByRole('button', { name: 'Confirm' });
    await confirm.waitFor(); // the first press only asks
    expect(
      await adminPage.getByTestId('record-row').filter({ hasText: '192.0.2.77' }).count(),
    ).toBe(1);
    await confirm.click();
    await adminPage.getByTestId('record-row').filter({ hasText: '192.0.2.77' }).waitFor({
      state: 'detached',
    });
    await viewerRow.waitFor({ state: 'detached' });
    await viewerPage
      .locator('.toast', { hasText: `Record gone A removed from ${ZONE}` })
      .filter({ hasText: 'by another user' })
      .waitFor();
    const left = await s.server.api(`/api/zones/${ZONE}/records`, { token: s.admin });
    const values = (left.body as { records: { value: string }[] }).records.map((r) => r.value);
    expect(values).not.toContain('192.0.2.77');
  });

  it('creates and deletes an RPZ rule in the UI, and named applies both', async () => {
    const domain = 'phish.ui.example';
    const page = await s.signedIn('/security');
    expect(await s.dig(domain)).not.toMatch(/192\.0\.2\.66/);
    await page.getByRole('button', { name: 'Add rule' }).click();
    const form = page.getByRole('form', { name: 'New RPZ rule' });
    await form.getByLabel('Domain', { exact: true }).fill(domain);
    await form.getByLabel('Action', { exact: true }).selectOption('redirect');
    await form.getByLabel('Redirect to (IP)').fill('192.0.2.66');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const row = page.locator('tr', { hasText: domain });
    await row.waitFor();
    await waitForValue(
      () => s.dig(domain),
      (out) => /\t192\.0\.2\.66\b/.test(out),
      'named to answer with the redirect',
      20_000,
    );

    await page.getByRole('button', { name: `Delete rule ${domain}` }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await row.waitFor({ state: 'detached' });
    const rules = await s.server.api('/api/rpz/rules', { token: s.admin });
    const domains = (rules.body as { rules: { domain: string }[] }).rules.map((r) => r.domain);
    expect(domains).not.toContain(domain);
    await waitForValue(
      () => s.dig(domain),
      (out) => !/\t192\.0\.2\.66\b/.test(out),
      'named to stop redirecting',
      20_000,
    );
  });

  it('an admin disconnects a user; that page says so and does not fight back', async () => {
    const kicked = await s.signedIn('/', KICKED);
    const adminPage = await s.signedIn('/admin');
    const row = adminPage.getByTestId('connection-row').filter({ hasText: KICKED.username });
    await row.getByRole('button', { name: `Disconnect ${KICKED.username}` }).click();
    await row.getByRole('button', { name: 'Disconnect user' }).click();
    await adminPage.locator('.toast', { hasText: `Disconnected ${KICKED.username}` }).waitFor();

    await kicked.locator('[data-testid="connection-state"][data-state="closed"]').waitFor();
    await badge(kicked).getByText('disconnected by an administrator').waitFor();
    await screenshot(kicked, 'disconnected');
    // No automatic reconnect: give a retry loop time to show itself (the shortest backoff is
    // 500 ms), then check both the page and the server.
    await kicked.waitForTimeout(3_000);
    expect(await badge(kicked).getAttribute('data-state')).toBe('closed');
    const mine = (await s.connections()).filter((c) => c.username === KICKED.username);
    expect(mine).toHaveLength(0);
    await adminPage.getByTestId('connection-row').filter({ hasText: KICKED.username }).waitFor({
      state: 'detached',
    });

    // The user may come back deliberately.
    await kicked.getByRole('button', { name: 'Reconnect now' }).click();
    await waitConnected(kicked);
  });

  it('the admin page lists who still runs old clients: connected now, or when last seen', async () => {
    const page = await s.signedIn('/admin');
    const card = page.getByTestId('legacy-clients');
    await card.getByTestId('legacy-mode').getByText('HDNS_LEGACY=warn').waitFor();
    await card.getByText('No old client has connected').waitFor();

    // Opened as the old frontends did: a gen-1 socket per type, a gen-2 one with the token.
    const base = s.server.url.replace('http', 'ws');
    const opened = (url: string, userAgent: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url, { headers: { 'user-agent': userAgent } });
        ws.once('message', () => resolve(ws)); // connection_established: the session is live
        ws.once('error', reject);
      });
    const vic = await s.server.login(VIEWER.username, VIEWER.password);
    const gen1 = await opened(
      `${base}/ws/health/${vic.user.id}?token=${vic.accessToken}`,
      'Mozilla/5.0 (X11; Linux x86_64) old-dashboard/1.4 websocketService',
    );
    const gen2 = await opened(
      `${base}/ws?token=${s.admin}`,
      'Mozilla/5.0 (Windows NT 10.0) old-dashboard/2.1 UnifiedWebSocketService',
    );
    gen2.close();
    await new Promise((resolve) => gen2.once('close', resolve));

    const rows = card.getByTestId('legacy-client-row');
    const rowOf = (username: string) =>
      rows.filter({ has: page.getByRole('cell', { name: username, exact: true }) });
    const vicRow = rowOf(VIEWER.username);
    await vicRow.getByText('connected now').waitFor({ timeout: 15_000 });
    await vicRow.getByText('gen 1 · health').waitFor();
    expect(await vicRow.innerText()).toContain('old-dashboard/1.4');
    const adminRow = rowOf('admin');
    await adminRow.getByText('gen 2').waitFor();
    // Closed: its last-seen time instead of "connected now" (once the poll saw the close).
    await waitForValue(
      () => adminRow.getByText('connected now').count(),
      (n) => n === 0,
      'the closed gen-2 socket shown as last seen',
      15_000,
    );
    expect(await adminRow.innerText()).toContain('old-dashboard/2.1');
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'legacy-clients');
    gen1.close();
  });

  it("a signed-in dashboard's browser opens the old tokenless socket (/ws/health/current-user)", async () => {
    // What the old websocketService did, from a page of this origin: no token in the URL; the
    // browser attaches the login session's cookie (hdns_ws_session) by itself, or nothing.
    const page = await s.signedIn('/');
    // A script, not a function: this file's `WebSocket` is the `ws` import, the page's is the
    // browser's own.
    const firstMessage = () =>
      page.evaluate<string>(`new Promise((resolve) => {
        const ws = new WebSocket(location.origin.replace('http', 'ws') + '/ws/health/current-user');
        ws.onmessage = (e) => { resolve(JSON.parse(e.data).type); ws.close(); };
        ws.onclose = (e) => resolve('closed ' + e.code);
      })`);
    expect(await firstMessage()).toBe('connection_established');
    // Without the session (cookies cleared, as after a logout) the same socket gets the error.
    await page.context().clearCookies();
    expect(await firstMessage()).toBe('error');
  });

  it('signs out to the login form with its socket gone, and signing in again connects afresh', async () => {
    const page = await s.signedIn('/', VIEWER);
    const sockets = async () =>
      (await s.connections()).filter((c) => c.username === VIEWER.username).length;
    await waitForValue(sockets, (n) => n === 1, "the viewer's socket", 10_000);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // The dashboard is gone before the server's close could show as a connection error.
    expect(await badge(page).count()).toBe(0);
    await waitForValue(sockets, (n) => n === 0, 'the socket closed', 10_000);
    await page.getByLabel('Username').fill(VIEWER.username);
    await page.getByLabel('Password').fill(VIEWER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitConnected(page);
    await waitForValue(sockets, (n) => n === 1, 'a new socket', 10_000);
  });
});
