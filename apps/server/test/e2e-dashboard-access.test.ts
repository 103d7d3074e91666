/**
 * The dashboard's access, keyboard, error and bulk-progress behaviour in headless Chromium
 * against the real server and a real managed named: an operator confined to granted zones, the
 * shell driven by keyboard alone, a failing REST call shown with a retry, and the bulk import's
 * progress bar moving through intermediate values taken from bulk_operation_progress events.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, screenshot } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';

const OPERATOR = { username: 'opal', password: 'operator-password-2', role: 'operator' };
const GRANTED = 'granted.test';
const OTHER = 'other.test';

/** Presses Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector))
      return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('dashboard access, keyboard, errors and bulk progress in headless Chromium', () => {
  let s: DashboardSuite;

  beforeAll(async () => {
    s = await startDashboardSuite();
    for (const name of [GRANTED, OTHER]) {
      const zone = await s.server.api('/api/zones', {
        token: s.admin,
        body: { name, type: 'primary' },
      });
      expect(zone.status).toBe(201);
    }
    await createUser(s.server, s.admin, { ...OPERATOR, zones: [GRANTED] });
  }, 150_000);

  afterAll(async () => {
    await s?.close();
  });

  it('Swagger UI at /docs renders under its own CSP (the suite fails on any CSP violation)', async () => {
    const page = await s.newPage();
    await page.goto(`${s.server.url}/docs`);
    await page.locator('.opblock').first().waitFor();
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
  });

  it('an operator with a zone grant sees and edits only the granted zone', async () => {
    const adminPage = await s.signedIn('/zones');
    await adminPage.getByRole('link', { name: OTHER }).waitFor(); // both exist
    const page = await s.signedIn('/zones', OPERATOR);
    await page.getByRole('link', { name: GRANTED }).waitFor();
    expect(await page.getByRole('link', { name: OTHER }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await page.getByRole('link', { name: GRANTED }).click();
    await page.getByRole('button', { name: 'Add record' }).click();
    await page.getByLabel('Name', { exact: true }).fill('ops');
    await page.getByLabel('Value', { exact: true }).fill('192.0.2.5');
    await page.getByRole('button', { name: 'Add record' }).click();
    await page.getByTestId('record-row').filter({ hasText: '192.0.2.5' }).waitFor();

    // Another zone answers "Not found", not "forbidden": a scoped user learns nothing about it.
    await page.goto(`${s.server.url}/zones/${OTHER}`);
    await page.getByRole('alert').filter({ hasText: 'Not found' }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Add record' }).count()).toBe(0);
    expect(await page.getByTestId('record-row').count()).toBe(0);
  });

  it('is usable by keyboard: skip link, navigation, and the bell (Enter opens, Escape closes)', async () => {
    const page = await s.signedIn('/');
    await page.goto(s.server.url); // focus starts at the document
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    const box = await skip.boundingBox();
    expect(box !== null && box.y >= 0 && box.width > 1).toBe(true); // shown when focused
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // continues inside the page content, past the header
    await expect(
      page.evaluate(() => document.activeElement?.closest('main') !== null),
    ).resolves.toBe(true);

    await page.goto(s.server.url);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await tabTo(page, 'nav a[href="/zones"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Zones' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/zones');
    await expect(
      page.getByRole('link', { name: 'Zones', exact: true }).getAttribute('aria-current'),
    ).resolves.toBe('page');

    await tabTo(page, 'button[aria-controls="notification-panel"]');
    await page.keyboard.press('Enter');
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await expect(
      page.evaluate(
        () => document.activeElement?.getAttribute('aria-controls') === 'notification-panel',
      ),
    ).resolves.toBe(true);
  });

  it('shows an error view with a retry when the API call fails, and recovers on retry', async () => {
    const page = await s.signedIn('/');
    let failures = 0;
    await page.route('**/api/zones', async (route) => {
      if (failures++ === 0) {
        await route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({ code: 'INTERNAL', message: 'Injected failure' }),
        });
      } else {
        await route.continue();
      }
    });
    await page.getByRole('link', { name: 'Zones', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Injected failure' });
    await alert.waitFor();
    await screenshot(page, 'error-state');
    await alert.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('link', { name: GRANTED }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Injected failure' }).count()).toBe(0);
    expect(failures).toBe(2);
  });

  it('drives the import progress bar through intermediate values from the bulk events', async () => {
    const page = await s.signedIn('/security');
    const LINES = 6000;
    const lines = ['domain,action,redirectTo,category,comment'];
    for (let i = 0; i < LINES; i++) lines.push(`bulk-${i}.bad.example,nxdomain,,malware,bulk`);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'blocklist.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(lines.join('\n')),
    });
    await page
      .getByTestId('import-file')
      .filter({ hasText: `${LINES} lines` })
      .waitFor();

    // Every value the bar takes, from before the job starts.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { barValues: number[] }).barValues = seen;
      const record = () => {
        const bar = document.querySelector('[role="progressbar"][aria-label="Import progress"]');
        const value = bar?.getAttribute('aria-valuenow');
        if (value != null && seen.at(-1) !== Number(value)) seen.push(Number(value));
      };
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-valuenow'],
      });
    });
    await page.getByRole('button', { name: 'Import', exact: true }).last().click();
    await page
      .locator('[data-testid="job-progress"][data-status="succeeded"]')
      .waitFor({ timeout: 120_000 });
    await page.getByTestId('job-progress').getByText(`${LINES} imported`).waitFor();
    const values = await page.evaluate(
      () => (window as unknown as { barValues: number[] }).barValues,
    );

    expect(values.at(-1)).toBe(100);
    const firstFull = values.indexOf(100);
    const intermediate = values.slice(0, firstFull).filter((v) => v > 0 && v < 100);
    expect(intermediate.length).toBeGreaterThan(0);
    // Each intermediate value is one the server published as bulk_operation_progress.
    const history = await s.server.api('/api/events?type=bulk_operation_progress&limit=500', {
      token: s.admin,
    });
    const published = new Set(
      (history.body as { events: { data: { percent: number } }[] }).events.map((e) =>
        Math.round(e.data.percent),
      ),
    );
    for (const v of intermediate) expect(published).toContain(v);
    expect([...values]).toEqual([...values].sort((a, b) => a - b)); // never goes back
  });
});
