/**
 * The live query log and the DNS charts in headless Chromium against the real server and a real
 * managed named with dnstap: real queries (NOERROR, NXDOMAIN, an RPZ-blocked name) show their
 * response code, latency, transport and answer; a query first published from the text log
 * (`partial`) is completed in place, never shown twice; the dashboard charts the rcode mix and
 * latency from query_stats. HDNS_QUERY_LIVE_HOLD_MS=0 publishes every query from the log at
 * once, so the partial-then-complete path is the one exercised (a quiet server's path).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_EVENTS } from '@hdns/protocol';
import { waitForValue } from '@hdns/testkit';
import { createUser, publish, screenshot } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';

const ZONE = 'qlive.test';
const VIEWER = { username: 'vera', password: 'viewer-password-3', role: 'viewer' };

/** The rows of exactly `qname` (its domain cell carries the full name as title). */
const rowsOf = (page: Page, qname: string) =>
  page.getByTestId('query-row').filter({ has: page.locator(`[role="cell"][title="${qname}"]`) });

describe('live query facts in headless Chromium', () => {
  let s: DashboardSuite;

  beforeAll(async () => {
    s = await startDashboardSuite({
      env: {
        HDNS_QUERY_LIVE_HOLD_MS: '0',
        HDNS_BIND_STATUS_INTERVAL: '1',
        HDNS_DNSTAP_IDENTITY: 'node-e2e',
      },
    });
    await createUser(s.server, s.admin, VIEWER);
    const zone = await s.server.api('/api/zones', {
      token: s.admin,
      body: { name: ZONE, type: 'primary' },
    });
    expect(zone.status).toBe(201);
    for (const [name, value] of [
      ['www', '192.0.2.10'],
      ['blocked', '192.0.2.66'],
    ] as const) {
      const rec = await s.server.api(`/api/zones/${ZONE}/records`, {
        token: s.admin,
        body: { name, type: 'A', value },
      });
      expect(rec.status).toBe(201);
    }
    const rule = await s.server.api('/api/rpz/rules', {
      token: s.admin,
      body: { domain: `blocked.${ZONE}`, action: 'nxdomain', category: 'malware' },
    });
    expect(rule.status).toBe(201);
    // named connects to the dnstap socket once it runs: one answered query proves the path.
    await waitForValue(
      async () => {
        await s.dig(`warm.${ZONE}`);
        const res = await s.server.api(`/api/queries?name=warm.${ZONE}&nameMatch=exact`, {
          token: s.admin,
        });
        return (res.body as { items?: { source?: string }[] }).items ?? [];
      },
      (items) => items.some((q) => q.source === 'dnstap'),
      'a query answered with dnstap facts',
      60_000,
      500,
    );
  }, 180_000);

  afterAll(async () => {
    await s?.close();
  });

  it('shows rcode, latency, transport and answer; a partial row is completed in place', async () => {
    const page = await s.signedIn('/queries');
    const www = rowsOf(page, `www.${ZONE}`);
    await s.dig(`www.${ZONE}`);
    // Published from the text log first: the row says its answer is pending...
    await www.and(page.locator('[data-partial="true"]')).getByText('answer pending').waitFor();
    // ...until the dnstap facts replace it, in the same row.
    await www.and(page.locator('[data-rcode="NOERROR"]')).waitFor({ timeout: 15_000 });
    expect(await www.count()).toBe(1);
    const text = await www.innerText();
    expect(text).toContain('NOERROR');
    expect(text).toMatch(/\d+ ms/);
    expect(text).toContain('udp');
    expect(text).toContain('A 192.0.2.10');
    expect(await www.getByText('answer pending').count()).toBe(0);
    const client = www.getByRole('link', { name: '127.0.0.1' });
    expect(await client.getAttribute('href')).toBe('/clients/127.0.0.1');

    await s.dig(`missing.${ZONE}`);
    await s.dig(`blocked.${ZONE}`);
    const missing = rowsOf(page, `missing.${ZONE}`);
    const blocked = rowsOf(page, `blocked.${ZONE}`);
    await missing.and(page.locator('[data-rcode="NXDOMAIN"]')).waitFor({ timeout: 15_000 });
    await blocked.and(page.locator('[data-rcode="NXDOMAIN"]')).waitFor({ timeout: 15_000 });
    expect(await missing.count()).toBe(1);
    expect(await blocked.count()).toBe(1);
    expect(await missing.locator('.pill-warn', { hasText: 'NXDOMAIN' }).count()).toBe(1);
    expect(await missing.getAttribute('class')).not.toContain('blocked');
    expect(await blocked.getAttribute('class')).toContain('blocked');
    await blocked.getByText('blocked · NXDOMAIN').waitFor();

    // The response-code filter keeps only NXDOMAIN answers.
    await page.getByLabel('Response', { exact: true }).selectOption('NXDOMAIN');
    await waitForValue(
      () => page.getByTestId('query-row').evaluateAll((rows) => rows.map((r) => r.dataset.rcode)),
      (codes) => codes.length >= 2 && codes.every((c) => c === 'NXDOMAIN'),
      'only NXDOMAIN rows',
    );
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await www.waitFor();
    for (let i = 0; i < 4; i++) await s.dig(`host-${i}.${ZONE}`, i % 2 ? 'AAAA' : 'A');
    await rowsOf(page, `host-3.${ZONE}`).and(page.locator('[data-rcode]')).waitFor({
      timeout: 15_000,
    });
    await screenshot(page, 'query-log');

    // A viewer sees the same rows with the client redacted and no link to a client page.
    const viewer = await s.signedIn('/queries', VIEWER);
    const seen = rowsOf(viewer, `www.${ZONE}`);
    await seen.and(viewer.locator('[data-rcode="NOERROR"]')).waitFor();
    await seen.getByText('redacted').waitFor();
    expect(await seen.getByRole('link').count()).toBe(0);
  }, 90_000);

  it('a detection is described as such and does not mark queries blocked', async () => {
    const page = await s.signedIn('/queries');
    const www = rowsOf(page, `www.${ZONE}`);
    await www.and(page.locator('[data-rcode="NOERROR"]')).waitFor();
    await publish(s.server.url, s.admin, 'threat_detected', {
      ...EXAMPLE_EVENTS.threat_detected,
      clientIp: '127.0.0.1',
      qname: `www.${ZONE}`,
      action: 'passthru',
      category: 'custom',
      rule: 'NXDOMAIN flood',
      ts: new Date().toISOString(),
      detection: {
        kind: 'nxdomain_flood',
        severity: 'warning',
        count: 420,
        threshold: 300,
        windowSec: 60,
      },
    });
    const security = await s.signedIn('/security');
    const item = security.getByTestId('detection-item').first();
    await item.getByText('NXDOMAIN flood').waitFor();
    expect(await item.innerText()).toContain('420/min (threshold 300)');
    // The query log saw the same event live: the row of that name stays unblocked.
    expect(await www.getAttribute('class')).not.toContain('blocked');
  }, 60_000);

  it('charts the rcode mix and latency on the dashboard, with the query source', async () => {
    const page = await s.signedIn('/');
    for (let round = 0; round < 3; round++) {
      await Promise.all([
        s.dig(`www.${ZONE}`),
        s.dig(`nx-${round}.${ZONE}`),
        s.dig(`missing.${ZONE}`),
        s.dig(`blocked.${ZONE}`),
      ]);
    }
    await page
      .getByTestId('latency-values')
      .getByText(/p50 [\d.]+ ms · p99 [\d.]+ ms/)
      .waitFor({
        timeout: 20_000,
      });
    await page
      .getByTestId('rcode-shares')
      .getByText(/NXDOMAIN \d/)
      .waitFor();
    // The charts have points: their "waiting" notes are gone.
    await page.getByText('Response codes come from dnstap').waitFor({ state: 'detached' });
    await page.getByText('Response times come from dnstap').waitFor({ state: 'detached' });
    expect(await page.getByTestId('rcode-panel').locator('canvas').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('latency-panel').locator('canvas').count()).toBeGreaterThan(0);
    const nx = page.locator('h3', { hasText: 'NXDOMAIN names' }).locator('..');
    await nx.getByText(`missing.${ZONE}`).waitFor({ timeout: 15_000 });
    await page.getByTestId('query-source').getByText('dnstap').waitFor({ timeout: 15_000 });
    await screenshot(page, 'dashboard-dns');
  }, 60_000);
});
