/**
 * The query history and client pages in headless Chromium against the real server and a real
 * managed named whose dnstap feeds the query store: real `dig` queries, then searches by name
 * suffix and by rcode, the back button over searches, a refused filter, paging Older and Newer
 * through 110 stored queries with a page size of 50, the client page's totals against the API,
 * and a viewer who is not offered the history.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientSummary, QueryPage, QueryRecord } from '@hdns/protocol/rest';
import { waitForValue } from '@hdns/testkit';
import { createUser, screenshot } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';

const run = promisify(execFile);
const VIEWER = { username: 'vera', password: 'viewer-password-3', role: 'viewer' };
const ZONE = 'hist.test';
/**
 * Our names sit under labels of their own: the server itself asks named for each zone's apex
 * (SOA, every few seconds), and those queries keep arriving while the test runs.
 */
const SUB = `app.${ZONE}`;
const OTHER = 'other.test';
const PAGED = 'paged.test';
const PAGED_COUNT = 110;
const PAGED_UNDER = `q.${PAGED}`;
const CLIENT = '127.0.0.1';
const BLOCKED = `ad.${OTHER}`;

describe('query history and client pages in headless Chromium', () => {
  let s: DashboardSuite;
  /** Around our queries: a range whose figures stay put while the server's own queries go on. */
  let start: string;
  let end: string;

  /** Several queries per dig run (dig takes many on one command line). */
  const digMany = async (names: readonly string[]): Promise<void> => {
    const port = String(s.server.config.bind.dnsPort);
    for (let i = 0; i < names.length; i += 25) {
      const args = names.slice(i, i + 25).flatMap((n) => [n, 'A']);
      await run('dig', ['@127.0.0.1', '-p', port, '+time=2', '+tries=1', '+short', ...args]);
    }
  };

  /** Every stored query matching `query`, through the API's own paging. */
  const searchAll = async (query: Record<string, string>): Promise<QueryRecord[]> => {
    const out: QueryRecord[] = [];
    let cursor: string | null = null;
    do {
      const qs = new URLSearchParams({ ...query, limit: '500', ...(cursor ? { cursor } : {}) });
      const res = await s.server.api(`/api/queries?${qs.toString()}`, { token: s.admin });
      expect(res.status).toBe(200);
      const page = res.body as QueryPage;
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  };

  /** Waits until the store holds `count` answered queries (dnstap: rcode known) under `suffix`. */
  const waitStored = (suffix: string, count: number): Promise<QueryRecord[]> =>
    waitForValue(
      () => searchAll({ name: suffix, nameMatch: 'suffix' }),
      (rows) => rows.filter((r) => r.rcode !== null).length >= count,
      `${count} stored queries under ${suffix}`,
      30_000,
      250,
    );

  const names = (page: Page) => page.getByTestId('history-name').allInnerTexts();
  const ids = (page: Page) =>
    page
      .getByTestId('history-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id') ?? ''));
  /**
   * The results of the search the URL names have arrived: the router changes the URL before
   * React shows the new search, so the previous search's finished results must not count.
   */
  const settled = async (page: Page): Promise<void> => {
    const search = new URLSearchParams(new URL(page.url()).search).toString();
    await page
      .locator(`[data-testid="query-results"][data-for="${search}"][aria-busy="false"]`)
      .waitFor();
  };

  beforeAll(async () => {
    s = await startDashboardSuite();
    await createUser(s.server, s.admin, VIEWER);
    for (const name of [ZONE, OTHER, PAGED]) {
      const zone = await s.server.api('/api/zones', {
        token: s.admin,
        body: { name, type: 'primary' },
      });
      expect(zone.status).toBe(201);
    }
    for (const zone of [ZONE, OTHER]) {
      const rec = await s.server.api(`/api/zones/${zone}/records`, {
        token: s.admin,
        body: { name: 'www.app', type: 'A', value: '192.0.2.10' },
      });
      expect(rec.status).toBe(201);
    }
    // named connects to the dnstap socket when it starts; wait until a query is stored whole.
    await waitForValue(
      async () => {
        await s.dig(`warmup.${OTHER}`);
        return searchAll({ name: `warmup.${OTHER}`, nameMatch: 'exact' });
      },
      (rows) => rows.some((r) => r.rcode !== null),
      'the first query stored with its dnstap facts',
      60_000,
      500,
    );
    start = new Date(Date.now() - 1000).toISOString();
    await digMany([`www.${SUB}`, `mail.${SUB}`, `www.${SUB}`, `www.app.${OTHER}`]);
    // A blocked name: queried until named applies the rule (each try is a real, stored query).
    const rule = await s.server.api('/api/rpz/rules', {
      token: s.admin,
      body: { domain: BLOCKED, action: 'redirect', redirectTo: '192.0.2.66' },
    });
    expect(rule.status).toBe(201);
    await waitForValue(
      () => s.dig(BLOCKED),
      (out) => /\t192\.0\.2\.66\b/.test(out),
      'named to apply the RPZ rule',
      30_000,
      500,
    );
    await digMany(Array.from({ length: PAGED_COUNT }, (_, i) => `p${i}.${PAGED_UNDER}`));
    await waitStored(SUB, 3);
    await waitStored(PAGED_UNDER, PAGED_COUNT);
    end = new Date(Date.now() + 1000).toISOString();
  }, 180_000);

  afterAll(async () => {
    await s?.close();
  });

  it('searches by name suffix and by rcode, with the filters in the URL and the back button', async () => {
    const page = await s.signedIn('/queries/history');
    await page.getByTestId('store-status').getByTestId('store-source').waitFor();
    expect(await page.getByTestId('store-source').innerText()).toBe('dnstap');
    const form = page.getByRole('search', { name: 'Search stored queries' });

    await form.getByLabel('Name', { exact: true }).fill(SUB);
    await form.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/name=app\.hist\.test/);
    await settled(page);
    // The name and everything under it: what we sent there, not the other zone's www.app.
    const shown = await names(page);
    expect([...shown].sort()).toEqual([`mail.${SUB}`, `www.${SUB}`, `www.${SUB}`]);
    const under = await searchAll({ name: SUB, nameMatch: 'suffix' });
    expect(shown).toEqual(under.map((r) => r.qname));
    const rcodes = await page
      .getByTestId('history-row')
      .locator('td[data-label="Rcode"]')
      .allInnerTexts();
    expect(rcodes).toEqual(under.map((r) => r.rcode));
    expect(rcodes[shown.indexOf(`mail.${SUB}`)]).toBe('NXDOMAIN');
    await screenshot(page, 'query-history');

    await form.getByLabel('Rcode', { exact: true }).fill('NXDOMAIN');
    await form.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/rcode=NXDOMAIN/);
    await settled(page);
    expect(await names(page)).toEqual([`mail.${SUB}`]);

    // The same search over the whole store: every NXDOMAIN the API has, and nothing else.
    await page.goto(`${s.server.url}/queries/history?rcode=NXDOMAIN&size=500`);
    await settled(page);
    const api = await searchAll({
      rcode: 'NXDOMAIN',
      from: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(await names(page)).toEqual(api.map((r) => r.qname));
    expect(api.map((r) => r.qname)).toContain(`mail.${SUB}`);

    // Back: the previous search, from the URL alone.
    await page.goBack();
    await page.waitForURL(/name=app\.hist\.test.*rcode=NXDOMAIN/);
    await settled(page);
    expect(await names(page)).toEqual([`mail.${SUB}`]);
    expect(await form.getByLabel('Rcode', { exact: true }).inputValue()).toBe('NXDOMAIN');
    await page.goBack();
    await page.waitForURL((url) => !url.search.includes('rcode'));
    await settled(page);
    expect(await names(page)).toEqual(shown);
  });

  it('marks a filter the server refuses', async () => {
    const page = await s.signedIn('/queries/history?client=not-an-address');
    await page.getByRole('alert').filter({ hasText: 'client' }).waitFor();
    await page.getByTestId('field-error-client').waitFor();
    expect(await page.getByTestId('history-row').count()).toBe(0);
  });

  it('pages Older and Newer with 50 rows a page, without gap or duplicate', async () => {
    const all = await searchAll({ name: PAGED_UNDER, nameMatch: 'suffix' });
    expect(all).toHaveLength(PAGED_COUNT);
    const page = await s.signedIn(`/queries/history?name=${PAGED_UNDER}`);
    await settled(page);
    await page.getByLabel('Rows per page').selectOption('50');
    await page.waitForURL(/size=50/);
    await settled(page);
    const older = page.getByRole('button', { name: 'Older →' });
    const newer = page.getByRole('button', { name: 'Newer' });

    const first = await ids(page);
    expect(first).toHaveLength(50);
    expect(await newer.isDisabled()).toBe(true);
    await older.click();
    await page.getByTestId('page-number').getByText('Page 2').waitFor();
    await settled(page);
    const second = await ids(page);
    expect(second).toHaveLength(50);
    await older.click();
    await page.getByTestId('page-number').getByText('Page 3').waitFor();
    await settled(page);
    const third = await ids(page);
    expect(third).toHaveLength(PAGED_COUNT - 100);
    expect(await older.isDisabled()).toBe(true);
    await page.getByText('End of results.').waitFor();

    // Newest first, no gap, no duplicate: exactly the API's order.
    expect([...first, ...second, ...third]).toEqual(all.map((r) => r.id));

    await newer.click();
    await page.getByTestId('page-number').getByText('Page 2').waitFor();
    await settled(page);
    expect(await ids(page)).toEqual(second);
    await newer.click();
    await page.getByTestId('page-number').getByText('Page 1').waitFor();
    await settled(page);
    expect(await ids(page)).toEqual(first);
    expect(await newer.isDisabled()).toBe(true);
  });

  it('opens a client from a row and shows its totals and queries', async () => {
    const page = await s.signedIn(`/queries/history?name=${SUB}`);
    await settled(page);
    await page.getByRole('link', { name: CLIENT }).first().click();
    await page.waitForURL(`**/clients/${CLIENT}`);
    await page.getByTestId('client-totals').waitFor();
    expect(await page.getByLabel('Time range', { exact: true }).inputValue()).toBe('24h');

    // A fixed range around our queries, so the figures hold still while we compare them.
    const range = new URLSearchParams({ range: 'custom', from: start, to: end });
    await page.goto(`${s.server.url}/clients/${CLIENT}?${range.toString()}`);
    await settled(page);
    const res = await s.server.api(`/api/queries/clients/${CLIENT}?${range.toString()}`, {
      token: s.admin,
    });
    expect(res.status).toBe(200);
    const summary = res.body as ClientSummary;
    const rows = await searchAll({ client: CLIENT, from: start, to: end });
    // The summary agrees with the client's stored queries, which include every query we sent.
    expect(summary.total).toBe(rows.length);
    expect(summary.total).toBeGreaterThanOrEqual(PAGED_COUNT + 5);
    const blocked = rows.filter((r) => r.blocked).length;
    expect(blocked).toBeGreaterThan(0);
    expect(summary.blocked).toBe(blocked);
    const digits = (t: string) => Number(t.replace(/\D/g, ''));
    await page.getByTestId('client-total').getByText(String(summary.total)).waitFor();
    expect(digits(await page.getByTestId('client-blocked').innerText())).toBe(blocked);
    expect(await page.getByTestId('client-blocked-share').innerText()).toBe(
      `${((blocked / rows.length) * 100).toFixed(1)}%`,
    );
    const nx = rows.filter((r) => r.rcode === 'NXDOMAIN').length;
    expect(nx).toBeGreaterThanOrEqual(PAGED_COUNT + 1);
    const nxShown = await page
      .locator('[data-testid="rcode-count"][data-rcode="NXDOMAIN"]')
      .innerText();
    expect(digits(nxShown.split('(')[0] ?? '')).toBe(nx);
    expect(await page.getByTestId('client-top-names').innerText()).toContain(`www.${SUB}`);
    expect(await page.getByTestId('client-top-blocked').innerText()).toContain(BLOCKED);

    // Its queries: the same table, this client only, newest first, 50 a page.
    const clients = await page
      .getByTestId('history-row')
      .locator('td[data-label="Client"]')
      .allInnerTexts();
    expect(clients).toHaveLength(50);
    expect(new Set(clients)).toEqual(new Set([CLIENT]));
    expect(await ids(page)).toEqual(rows.slice(0, 50).map((r) => r.id));
    await screenshot(page, 'client');
  });

  it('does not offer the history to a viewer', async () => {
    const page = await s.signedIn('/', VIEWER);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Query log' }).waitFor();
    expect(await nav.getByRole('link', { name: 'History' }).count()).toBe(0);
    await page.goto(`${s.server.url}/queries/history`);
    await page.getByTestId('forbidden').waitFor();
    const admin = await s.signedIn('/');
    await admin
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'History' })
      .waitFor();
  });
});
