/**
 * The dashboard in headless Chromium against the real server (real SQLite, real managed named on
 * loopback ports), built once by ensureDashboardBuilt and served by the static plugin. Each test
 * uses fresh browser contexts (separate cookie jars = separate browsers) and writes screenshots
 * of the main pages to docs/screenshots.
 * The fixture (server, browser, pages that record CSP violations) is e2e-suite.ts's.
 * A missing /usr/bin/chromium fails the suite (launchBrowser says so).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EXAMPLE_EVENTS } from '@hdns/protocol';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForValue } from '@hdns/testkit';
import type { TestServer } from './helpers.js';
import { createUser, publish, screenshot, signIn, waitConnected } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';

const run = promisify(execFile);
const VIEWER = { username: 'vera', password: 'viewer-password-1', role: 'viewer' };
const TABS = { username: 'tabby', password: 'tabby-password-1', role: 'viewer' };
const ZONE = 'live.test';

describe('dashboard in headless Chromium', () => {
  let s: DashboardSuite;
  let server: TestServer;
  let admin: string;

  const asAdmin = (path = '/'): Promise<Page> => s.signedIn(path);
  const asViewer = (path = '/'): Promise<Page> => s.signedIn(path, VIEWER);

  /** `count` real queries to the managed named (local zone names and one RPZ-blocked name). */
  const dnsTraffic = async (count: number): Promise<void> => {
    const names = [
      'www.live.test',
      'www.live.test',
      'live.test',
      'ads.tracker.example',
      'mail.live.test',
    ];
    const port = String(server.config.bind.dnsPort);
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        run('dig', [
          '@127.0.0.1',
          '-p',
          port,
          '+time=1',
          '+tries=1',
          names[i % names.length]!,
          i % 3 ? 'A' : 'AAAA',
        ]),
      ),
    );
  };
  beforeAll(async () => {
    s = await startDashboardSuite();
    ({ server, admin } = s);
    await createUser(server, admin, VIEWER);
    await createUser(server, admin, TABS);
    const zone = await server.api('/api/zones', {
      token: admin,
      body: { name: ZONE, type: 'primary', description: 'Zone of the live tests' },
    });
    expect(zone.status).toBe(201);
    const rule = await server.api('/api/rpz/rules', {
      token: admin,
      body: { domain: 'ads.tracker.example', action: 'nxdomain', category: 'ads' },
    });
    expect(rule.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  it('signs in (token in memory only), survives a reload through the refresh cookie', async () => {
    const page = await s.newPage();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, 'login');

    await page.getByLabel('Username', { exact: true }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();

    await page.getByLabel('Password', { exact: true }).fill(server.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitConnected(page);
    const stored = await page.evaluate(() =>
      JSON.stringify({ ...localStorage, ...sessionStorage }),
    );
    expect(stored).not.toMatch(/eyJ/); // no JWT in web storage

    await page.reload();
    await waitConnected(page);
    await expect(page.getByRole('heading', { name: 'Dashboard' }).isVisible()).resolves.toBe(true);

    // Real traffic through the managed named: the query-log and RPZ-log tailers turn it into
    // dns_query_log, query_stats and threat_detected. Host metrics come every 30 s, so a little
    // synthetic history makes the charts worth a picture.
    await dnsTraffic(60);
    for (let i = 0; i < 24; i++) {
      const m = EXAMPLE_EVENTS.system_metrics;
      await publish(server.url, admin, 'system_metrics', {
        ...m,
        cpu: { ...m.cpu, percent: 20 + 15 * Math.sin(i / 3) + (i % 4) },
        memory: { ...m.memory, percent: 38 + i / 2 },
        disk: { ...m.disk, percent: 61 },
        network: {
          rxBytesPerSec: 40_000 + 9_000 * (i % 5),
          txBytesPerSec: 30_000 + 7_000 * (i % 3),
        },
      });
      if (i % 6 === 0) await dnsTraffic(20);
    }
    await page.getByText('ads.tracker.example').first().waitFor(); // top domains, from real queries
    await publish(server.url, admin, 'health_update'); // no forwarders configured in tests
    await page.getByTestId('qps-value').filter({ hasNotText: '—' }).waitFor();
    await page.getByText('managed by this server').waitFor(); // real bind_status
    await page.getByText('ISP resolver').first().waitFor();
    await page.locator('.toast', { hasText: 'Blocked ads.tracker.example' }).first().waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'dashboard');

    const narrow = await s.newPage({ width: 390, height: 844 });
    await signIn(narrow, server.url, 'admin', server.adminPassword);
    await narrow.getByText('managed by this server').waitFor();
    await screenshot(narrow, 'dashboard-narrow');
  });

  it('two tabs of one user hold one server connection (SharedRealtimeClient)', async () => {
    const first = await s.newPage();
    await signIn(first, server.url, TABS.username, TABS.password);
    const second = await first.context().newPage();
    await second.goto(server.url); // signed in by the shared refresh cookie
    await waitConnected(second);
    const mine = async () => (await s.connections()).filter((c) => c.username === TABS.username);
    await waitForValue(mine, (c) => c.length === 1, 'one connection for two tabs');
    await second.waitForTimeout(1_000);
    expect(await mine()).toHaveLength(1);

    // Both tabs get events over that one socket.
    const sent = await server.api('/api/admin/broadcast', {
      token: admin,
      body: { message: 'Tabs share one socket', level: 'warning' },
    });
    expect(sent.status).toBe(201);
    await first.getByText('Tabs share one socket').waitFor();
    await second.getByText('Tabs share one socket').waitFor();

    // The leader goes away: the other tab takes over, still one connection.
    await first.close();
    await waitConnected(second);
    await waitForValue(mine, (c) => c.length === 1, 'one connection after the leader left', 15_000);
  });

  it('a record created by an admin appears live for a viewer, with a toast and an unread count', async () => {
    const adminPage = await asAdmin(`/zones/${ZONE}`);
    const viewerPage = await asViewer(`/zones/${ZONE}`);
    await viewerPage.getByText('No records yet.').waitFor();
    // Read-only for viewers: no create/edit/delete controls.
    expect(await viewerPage.getByRole('button', { name: 'Add record' }).count()).toBe(0);
    expect(await viewerPage.getByTestId('unread-count').count()).toBe(0);

    await adminPage.getByRole('button', { name: 'Add record' }).click();
    await adminPage.getByLabel('Name', { exact: true }).fill('www');
    await adminPage.getByLabel('Value', { exact: true }).fill('192.0.2.10');
    await adminPage.getByRole('button', { name: 'Add record' }).click();
    await adminPage.getByTestId('record-row').filter({ hasText: '192.0.2.10' }).waitFor();

    const row = viewerPage.getByTestId('record-row').filter({ hasText: '192.0.2.10' });
    await row.waitFor();
    // Viewers are not told who (usernames are admin-only, as for user_login): "another user".
    await row.getByText('created by another user').waitFor();
    await viewerPage.locator('.toast', { hasText: 'by another user' }).first().waitFor();
    expect(await viewerPage.getByText('by admin').count()).toBe(0);
    await waitForValue(
      async () => Number((await viewerPage.getByTestId('unread-count').textContent()) ?? 0),
      (n) => n >= 1,
      'unread count',
    );
    expect(await viewerPage.getByRole('button', { name: /^Edit / }).count()).toBe(0);
    await adminPage.getByText('created by you').waitFor();
    await screenshot(adminPage, 'zones');

    // The viewer acknowledges everything from the bell.
    await viewerPage.getByRole('button', { name: /Notifications/ }).click();
    await viewerPage.getByRole('button', { name: 'Acknowledge all' }).click();
    await waitForValue(
      () => viewerPage.getByTestId('unread-count').count(),
      (n) => n === 0,
      'unread cleared',
    );
  });

  it('a stale edit shows the conflict (yours vs current) instead of overwriting', async () => {
    const created = await server.api(`/api/zones/${ZONE}/records`, {
      token: admin,
      body: { name: 'edit', type: 'A', value: '192.0.2.20' },
    });
    expect(created.status).toBe(201);
    const record = created.body as { id: string; version: number };
    const page = await asAdmin(`/zones/${ZONE}`);
    await page.getByRole('button', { name: 'Edit edit A' }).click();
    await page.getByLabel('Value', { exact: true }).fill('192.0.2.99');

    // Meanwhile someone else saves a change to the same record.
    const other = await server.api(`/api/zones/${ZONE}/records/${record.id}`, {
      method: 'PUT',
      token: admin,
      body: { name: 'edit', type: 'A', value: '192.0.2.50', version: record.version },
    });
    expect(other.status).toBe(200);

    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = page.getByTestId('conflict');
    await conflict.waitFor();
    const valueRow = conflict.locator('tr', { hasText: 'value' });
    await expect(valueRow.innerText()).resolves.toMatch(/192\.0\.2\.99\s+192\.0\.2\.50/);
    await page.getByRole('button', { name: 'Keep current' }).click();
    await page.getByTestId('record-row').filter({ hasText: '192.0.2.50' }).waitFor();
    const after = await server.api(`/api/zones/${ZONE}/records`, { token: admin });
    const values = (after.body as { records: { value: string }[] }).records.map((r) => r.value);
    expect(values).not.toContain('192.0.2.99'); // nothing was overwritten
  });

  it('edits zone settings, and a stale settings edit shows the current values instead', async () => {
    const page = await asAdmin(`/zones/${ZONE}`);
    await page.getByRole('button', { name: 'Zone settings' }).click();
    await page.getByLabel('Default TTL (s)').fill('1800');
    await page.getByLabel('Description', { exact: true }).fill('edited in the browser');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('default TTL 1800s').waitFor();
    const saved = (await server.api(`/api/zones/${ZONE}`, { token: admin })).body as {
      defaultTtl: number;
      version: number;
    };
    expect(saved.defaultTtl).toBe(1800);

    await page.getByRole('button', { name: 'Zone settings' }).click();
    await page.getByLabel('Default TTL (s)').fill('600');
    const other = await server.api(`/api/zones/${ZONE}`, {
      method: 'PATCH',
      token: admin,
      body: { version: saved.version, defaultTtl: 900 },
    });
    expect(other.status).toBe(200);
    await page.getByRole('button', { name: 'Save settings' }).click();
    const conflict = page.getByRole('alert', { name: 'Zone changed meanwhile' });
    await conflict.getByText('default TTL 900s').waitFor();
    await page.getByRole('button', { name: 'Keep current' }).click();
    const after = (await server.api(`/api/zones/${ZONE}`, { token: admin })).body as {
      defaultTtl: number;
    };
    expect(after.defaultTtl).toBe(900); // nothing was overwritten
  });

  it('viewers cannot reach admin pages and see client addresses redacted', async () => {
    const viewer = await asViewer('/queries');
    expect(await viewer.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    const adminPage = await asAdmin('/queries');

    const queries = [
      { qname: 'secret.example', clientIp: '10.9.8.7', qtype: 'A', blocked: false },
      { qname: 'ads.tracker.example', clientIp: '10.0.0.41', qtype: 'A', blocked: true },
      { qname: 'mail.example.com', clientIp: '10.0.0.23', qtype: 'MX', blocked: false },
      { qname: 'www.example.com', clientIp: '10.0.0.77', qtype: 'AAAA', blocked: false },
      { qname: 'malware.example.net', clientIp: '10.0.0.23', qtype: 'A', blocked: true },
    ];
    for (const [i, q] of queries.entries()) {
      await publish(server.url, admin, 'dns_query_log', {
        ...EXAMPLE_EVENTS.dns_query_log,
        ...q,
        ts: new Date().toISOString(),
        ...(i === queries.length - 1 ? { sampled: 10 } : {}),
      });
    }
    const secretRow = viewer.getByTestId('query-row').filter({ hasText: 'secret.example' });
    await secretRow.waitFor();
    await secretRow.getByText('redacted').waitFor();
    expect(await viewer.getByText('10.9.8.7').count()).toBe(0);

    await adminPage.getByTestId('query-row').filter({ hasText: '10.9.8.7' }).waitFor();
    // The newest query says the server samples one in 10: checked before this test's real
    // traffic, whose newer unsampled queries rightly take the notice away again. A query of
    // earlier traffic still coming in would do the same: then a newer sampled one is published
    // (every 3 s), and the notice must follow the newest. On a timeout the newest rows show why.
    let publishedAt = Date.now();
    await waitForValue(
      async () => {
        const shown = await adminPage.getByTestId('sampled-notice').isVisible();
        if (!shown && Date.now() - publishedAt > 3_000) {
          await publish(server.url, admin, 'dns_query_log', {
            ...EXAMPLE_EVENTS.dns_query_log,
            ...queries[queries.length - 1],
            ts: new Date().toISOString(),
            sampled: 10,
          });
          publishedAt = Date.now();
        }
        const newest = (await adminPage.getByTestId('query-row').allInnerTexts()).slice(0, 3);
        return { shown, newest };
      },
      (v) => v.shown,
      'the sampled notice',
      30_000,
      250,
    );
    await screenshot(adminPage, 'query-log-sampled');

    // A real query blocked by RPZ shows as a blocked row (dnstap says so with its answer; with
    // the text log only, the query log joins it with its threat_detected). The viewer's log is
    // cleared first, so the row can only come from this traffic.
    await viewer.getByRole('button', { name: 'Clear', exact: true }).click();
    const blockedRows = viewer.locator('.qlog-row.blocked', { hasText: 'ads.tracker.example' });
    await waitForValue(
      () => blockedRows.count(),
      (n) => n === 0,
      'the cleared query log',
    );
    await dnsTraffic(1 + 3); // the fourth name is the blocked one
    await waitForValue(
      () => blockedRows.count(),
      (n) => n > 0,
      'the real blocked query',
    );
    await adminPage.getByTestId('sampled-notice').waitFor({ state: 'detached' });
    expect(await adminPage.locator('.qlog-row.blocked').count()).toBeGreaterThanOrEqual(3);

    // Filters stay set across a reload.
    await adminPage.getByLabel('Domain', { exact: true }).fill('example.com');
    await waitForValue(
      async () => {
        const texts = await adminPage.getByTestId('query-row').allInnerTexts();
        return texts.length > 0 && texts.every((t) => t.includes('example.com'));
      },
      Boolean,
      'filtered rows',
    );
    await adminPage.reload();
    await waitConnected(adminPage);
    await expect(adminPage.getByLabel('Domain', { exact: true }).inputValue()).resolves.toBe(
      'example.com',
    );
    await adminPage.getByRole('button', { name: 'Clear filters' }).click();

    await viewer.goto(`${server.url}/admin`);
    await viewer.getByTestId('forbidden').waitFor();
    // Replication's API refuses viewers: no link to it, and the page says why instead of
    // showing two failed requests with Retry buttons.
    expect(await viewer.getByRole('link', { name: 'Replication', exact: true }).count()).toBe(0);
    await viewer.goto(`${server.url}/replication`);
    await viewer.getByTestId('forbidden').waitFor();
    // Two sign-ins, real DNS traffic and a reload: ~10 s alone, three times that on a loaded CI
    // machine (it once crossed the default 30 s there).
  }, 90_000);

  it('a bulk RPZ import shows its progress bar to completion', async () => {
    const page = await asAdmin('/security');
    await page.getByRole('button', { name: 'Import' }).click();
    const lines = ['domain,action,redirectTo,category,comment'];
    for (let i = 0; i < 3000; i++) lines.push(`blocked-${i}.bad.example,nxdomain,,malware,bulk`);
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'blocklist.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n')),
    });
    await page.getByTestId('import-file').filter({ hasText: '3000 lines' }).waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).last().click();
    const job = page.getByTestId('job-progress');
    await job.waitFor();
    await page
      .locator('[data-testid="job-progress"][data-status="succeeded"]')
      .waitFor({ timeout: 60_000 });
    await expect(job.getByRole('progressbar').getAttribute('aria-valuenow')).resolves.toBe('100');
    await job.getByText('3000 imported').waitFor();
    await page.getByTestId('rule-count').filter({ hasText: '3001 rules' }).waitFor();
    await publish(server.url, admin, 'security_alert');
    await page.getByText('Repeated failed logins').first().waitFor();
    await screenshot(page, 'security');
  });

  it('event history filters, pages and acknowledges', async () => {
    for (let i = 0; i < 60; i++) await publish(server.url, admin, 'system_status'); // > 1 page
    const page = await asAdmin('/events');
    const rows = page.getByTestId('event-row');
    await rows.first().waitFor();
    await page.getByRole('button', { name: 'Load older events' }).waitFor();
    const before = await rows.count();
    await page.getByRole('button', { name: 'Load older events' }).click();
    await waitForValue(
      () => rows.count(),
      (n) => n > before,
      'older page',
    );

    const ackButton = page
      .locator('tr.unacked')
      .first()
      .getByRole('button', { name: /^Acknowledge / });
    const label = (await ackButton.getAttribute('aria-label')) ?? '';
    const seq = /#\d+$/.exec(label)?.[0] ?? '';
    await ackButton.click();
    await page.locator('tr.acked', { hasText: seq }).getByText('seen').waitFor();
    const stored = await server.api('/api/events?limit=500', { token: admin });
    const acked = (stored.body as { events: { seq: number; acked: boolean }[] }).events.find(
      (e) => `#${e.seq}` === seq,
    );
    expect(acked?.acked).toBe(true);

    await page.getByLabel('Category', { exact: true }).selectOption('security');
    await waitForValue(
      async () => {
        const texts = await rows.allInnerTexts();
        return texts.length > 0 && texts.every((t) => t.includes('security'));
      },
      Boolean,
      'only security events',
    );
    await screenshot(page, 'events');
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  it('admin: users, live connections with metrics, broadcast', async () => {
    const page = await asAdmin('/admin');
    await page.getByTestId('user-row').filter({ hasText: VIEWER.username }).waitFor();
    await page.getByTestId('connection-row').first().waitFor();
    await page.getByTestId('realtime-stats').waitFor();

    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Username', { exact: true }).fill('olga');
    await page.getByLabel('Password', { exact: true }).fill('operator-password-1');
    await page.getByLabel('Role', { exact: true }).selectOption('operator');
    await page.getByLabel('Zones (empty: all)').fill(ZONE);
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.getByTestId('user-row').filter({ hasText: 'olga' }).getByText(ZONE).waitFor();

    await page.getByLabel('Message', { exact: true }).fill('Maintenance at 22:00 UTC');
    await page.getByRole('button', { name: 'Send to everyone' }).click();
    await page.locator('.toast', { hasText: 'Maintenance at 22:00 UTC' }).waitFor();
    await screenshot(page, 'admin');
  });

  it('no page broke the server Content-Security-Policy', () => {
    expect(s.cspViolations).toEqual([]);
  });
});
