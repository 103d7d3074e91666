/**
 * The security page's blocklist feeds in headless Chromium against the real server and named:
 * a feed is added by URL (served by a local HTTP server), its state shows the names served,
 * named blocks them, a failing refresh shows its error and its next try, and the allowlist lets
 * a name through.
 * The screenshot goes to docs/screenshots/feeds.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';
import { startListServer, type ListServer } from './feed-list-server.js';

describe('blocklist feeds in headless Chromium', () => {
  let s: DashboardSuite;
  let lists: ListServer;

  beforeAll(async () => {
    lists = await startListServer();
    lists.set('/ads.txt', {
      body: '# ads\n0.0.0.0 ads.ui-feed.test\n0.0.0.0 track.ui-feed.test\n',
    });
    s = await startDashboardSuite({ env: { HDNS_FEEDS_ALLOW_PRIVATE: 'true' } });
  }, 180_000);

  afterAll(async () => {
    await s?.close();
    await lists?.close();
  });

  it('adds a feed, shows its state, a failure and the allowlist', async () => {
    const page = await s.signedIn('/security');
    const card = page.getByRole('article', { name: 'Blocklist feeds' });
    await card.getByRole('button', { name: 'Add feed' }).click();
    await card.getByLabel('Name', { exact: true }).fill('Ad servers');
    await card.getByLabel('URL', { exact: true }).fill(lists.url('/ads.txt'));
    await card.getByLabel('Format', { exact: true }).selectOption('hosts');
    await card.getByRole('button', { name: 'Add feed' }).click();
    const row = card.getByRole('row', { name: /Ad servers/ });
    await row.getByRole('cell', { name: '2', exact: true }).waitFor({ timeout: 30_000 });
    expect(await s.dig('ads.ui-feed.test')).toContain('status: NXDOMAIN');

    lists.set('/ads.txt', { body: '', status: 500 });
    await row.getByRole('button', { name: 'Refresh now' }).click();
    await row.getByText('HTTP 500', { exact: false }).waitFor();
    // Retried sooner than its daily interval: the row says when.
    await row.getByTestId('feed-retry').getByText('next try', { exact: false }).waitFor();
    // The last good list stays served.
    expect(await s.dig('ads.ui-feed.test')).toContain('status: NXDOMAIN');

    await card.getByLabel(/Allowlist/).fill('ads.ui-feed.test');
    await card.getByRole('button', { name: 'Save allowlist' }).click();
    await page.getByText('Allowlist saved (1 names)').waitFor();
    expect(await s.dig('ads.ui-feed.test')).not.toContain('status: NXDOMAIN');
    await screenshot(page, 'feeds');
  }, 90_000);
});
