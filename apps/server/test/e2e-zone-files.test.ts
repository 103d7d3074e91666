/**
 * Zone files on the zone page in headless Chromium against the real server and a real managed
 * named: the BIND zone file and JSON downloads hold what the API serves, a pasted zone file is
 * imported with its progress shown and its records served by named, a file BIND cannot read
 * lists its bad lines and stores nothing, and "New zone from file" on the zones page creates a
 * zone from a pasted file and opens it.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';

const ZONE = 'files.test';

describe('zone files on the zone page in headless Chromium', () => {
  let s: DashboardSuite;

  beforeAll(async () => {
    s = await startDashboardSuite();
    const zone = await s.server.api('/api/zones', {
      token: s.admin,
      body: { name: ZONE, type: 'primary' },
    });
    expect(zone.status).toBe(201);
    for (const body of [
      { name: 'www', type: 'A', value: '192.0.2.1' },
      { name: '@', type: 'MX', value: 'mail.files.test.', priority: 10 },
    ]) {
      const r = await s.server.api(`/api/zones/${ZONE}/records`, { token: s.admin, body });
      expect(r.status).toBe(201);
    }
  }, 150_000);

  afterAll(async () => {
    await s?.close();
  });

  it('downloads the zone as a BIND file and as JSON', async () => {
    const page = await s.signedIn(`/zones/${ZONE}`);
    await page.getByRole('button', { name: 'Download zone file' }).waitFor();
    const [bind] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download zone file' }).click(),
    ]);
    expect(bind.suggestedFilename()).toBe(`${ZONE}.zone`);
    const text = await readFile(await bind.path(), 'utf8');
    const exported = await s.server.api(`/api/zones/${ZONE}/export?format=bind`, {
      token: s.admin,
    });
    expect(text).toBe(exported.body);
    expect(text).toMatch(/^www\t\tIN\tA\t192\.0\.2\.1$/m);

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    expect(json.suggestedFilename()).toBe(`${ZONE}.json`);
    const body = JSON.parse(await readFile(await json.path(), 'utf8')) as {
      records: { name: string }[];
    };
    expect(body.records.map((r) => r.name).sort()).toEqual(['@', 'www']);
  });

  it(
    'imports a pasted zone file with progress, and lists the lines of a bad one',
    {
      timeout: 60_000,
    },
    async () => {
      const page = await s.signedIn(`/zones/${ZONE}`);
      // A step that does not happen fails by name, within the test's own time.
      page.setDefaultTimeout(10_000);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      await page.getByLabel('Import from').selectOption('zonefile');
      const form = page.getByRole('form', { name: 'Zone file import' });

      // A file BIND cannot read: its lines are listed, nothing is stored.
      await form
        .locator('textarea[name="zone-file"]')
        .fill(
          `$ORIGIN ${ZONE}.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 900 1209600 300\nbad IN A 192.0.2.999\n`,
        );
      await form.getByRole('button', { name: 'Import' }).click();
      const errors = form.getByTestId('zone-file-errors');
      await errors.waitFor();
      expect(await errors.textContent()).toMatch(/line 4: .*bad dotted quad/);
      const refusal = await form.getByRole('alert').textContent();
      expect(refusal).toContain('nothing was imported');
      expect(refusal).not.toContain('details.errors');

      await form
        .locator('textarea[name="zone-file"]')
        .fill(
          [
            `$ORIGIN ${ZONE}.`,
            '$TTL 300',
            '@ IN SOA ns1 hostmaster ( 1 3600 900 1209600 300 )',
            '@ IN NS ns1',
            'ns1 IN A 127.0.0.1',
            'imported IN A 192.0.2.77',
            'imported IN AAAA 2001:db8::77',
            '_sip._udp IN SRV 10 5 5060 imported',
            'note IN TXT "from a zone file"',
            '',
          ].join('\n'),
        );
      await form.getByRole('button', { name: 'Import' }).click();
      await form
        .locator('[data-testid="job-progress"][data-status="succeeded"]')
        .waitFor()
        .catch(async (err: unknown) => {
          throw new Error(`${String(err)}\nform: ${await form.textContent()}`);
        });
      expect(await form.getByTestId('job-progress').textContent()).toContain('6 imported');
      await page.getByText('192.0.2.77').first().waitFor();
      // The header follows the import (it completes with a bulk event, not record events).
      const zone = await s.server.api(`/api/zones/${ZONE}`, { token: s.admin });
      const serial = (zone.body as { serial: number }).serial;
      await page.getByText(`serial ${serial}`).waitFor();
      await screenshot(page, 'zone-file-import');
      expect(await s.dig(`imported.${ZONE}`, 'A')).toContain('192.0.2.77');

      // A refused file after a good one: its lines, and no longer the good one's card.
      await form
        .locator('textarea[name="zone-file"]')
        .fill(`$ORIGIN ${ZONE}.\n$TTL 300\nbad1 IN A 300.1.1.1\n`);
      await form.getByRole('button', { name: 'Import' }).click();
      await form.getByTestId('zone-file-errors').filter({ hasText: 'line 3' }).waitFor();
      expect(await form.getByTestId('job-progress').count()).toBe(0);
    },
  );
  it(
    'creates a new zone from a zone file on the zones page and opens it',
    { timeout: 60_000 },
    async () => {
      const NEW = 'fromfile.test';
      const page = await s.signedIn('/zones');
      page.setDefaultTimeout(10_000);
      await page.getByRole('button', { name: 'New zone from file' }).click();
      const form = page.getByRole('form', { name: 'New zone from file' });

      // A file BIND cannot read: its lines are listed and no zone is created.
      await form
        .locator('textarea[name="new-zone-file"]')
        .fill(
          `$ORIGIN ${NEW}.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 900 1209600 300\nx IN A 1.2.3\n`,
        );
      await expect(form.getByLabel('New zone name').inputValue()).resolves.toBe(NEW);
      await form.getByRole('button', { name: 'Create zone and import' }).click();
      await form.getByTestId('zone-file-errors').filter({ hasText: 'line 4' }).waitFor();
      expect((await s.server.api(`/api/zones/${NEW}`, { token: s.admin })).status).toBe(404);

      await form
        .locator('textarea[name="new-zone-file"]')
        .fill(
          [
            `$ORIGIN ${NEW}.`,
            '$TTL 600',
            '@ IN SOA ns1 hostmaster ( 1 7200 900 1209600 300 )',
            '@ IN NS ns1',
            'ns1 IN A 127.0.0.1',
            'app IN A 192.0.2.88',
            'alias IN CNAME app',
            '',
          ].join('\n'),
        );
      await screenshot(page, 'zone-from-file');
      await form.getByRole('button', { name: 'Create zone and import' }).click();
      // Every record went in: the page moves on to the new zone.
      await page.waitForURL((u) => u.pathname === `/zones/${NEW}`);
      await page.getByText('192.0.2.88').first().waitFor();
      const zone = await s.server.api(`/api/zones/${NEW}`, { token: s.admin });
      expect(zone.status).toBe(200);
      expect(zone.body).toMatchObject({ type: 'primary', defaultTtl: 600, recordCount: 4 });
      expect(await s.dig(`app.${NEW}`, 'A')).toContain('192.0.2.88');
    },
  );
});
