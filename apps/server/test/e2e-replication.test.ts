/**
 * The replication page and the zone serials panel in headless Chromium against the real server
 * and a real managed named: an admin creates a TSIG key (its secret shown once, in a dialog),
 * adds a secondary that uses it, and the secondary, pointing at a closed loopback port, turns
 * `failing` live from the watcher's secondary_status events; a transfer signed with the key
 * appears in the recent transfers; a zone page shows the database and served serials equal; an
 * operator reads the page without the admin controls. Screenshots: replication.png and
 * zone-serials.png.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secondaryListSchema, tsigKeyListSchema, zoneSyncSchema } from '@hdns/protocol/rest';
import { waitForValue } from '@hdns/testkit';
import { createUser, screenshot } from './e2e-helpers.js';
import { startDashboardSuite, WIDE, type DashboardSuite } from './e2e-suite.js';
import { createZoneWithWww } from './helpers.js';

const run = promisify(execFile);
const ZONE = 'replica-ui.test';
const OPERATOR = { username: 'olga', password: 'operator-password-7', role: 'operator' };

/** A loopback TCP/UDP port nothing answers on: bound by nobody once the probe server closes. */
async function closedPort(): Promise<number> {
  const srv: Server = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('replication page in headless Chromium', () => {
  let s: DashboardSuite;
  let secret = '';
  const api = (pathname: string, init: Parameters<DashboardSuite['server']['api']>[1] = {}) =>
    s.server.api(pathname, { token: s.admin, ...init });

  beforeAll(async () => {
    // The watcher every second, so a dead secondary turns failing within the test.
    s = await startDashboardSuite({ env: { HDNS_SECONDARY_CHECK_SECONDS: '1' } });
    await createZoneWithWww(api, ZONE);
    await createUser(s.server, s.admin, OPERATOR);
  }, 180_000);

  afterAll(async () => {
    await s?.close();
  });

  it('creates a TSIG key (secret shown once), adds a secondary with it and shows its live state', async () => {
    const page = await s.signedIn('/');
    page.setDefaultTimeout(15_000);
    await page.getByRole('link', { name: 'Replication', exact: true }).click();
    await page.getByRole('heading', { name: 'Replication' }).waitFor();

    const keys = page.getByRole('article', { name: 'TSIG keys' });
    await keys.getByRole('button', { name: 'Add key' }).click();
    await keys.getByLabel('Key name', { exact: true }).fill('xfr-ui');
    await keys.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByTestId('tsig-secret-dialog');
    await dialog.getByText('shown once').waitFor();
    secret = (await dialog.getByTestId('tsig-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9+/]{43}=$/); // 32 bytes of hmac-sha256
    const config = (await dialog.getByTestId('tsig-config').textContent()) ?? '';
    expect(config).toContain('key "xfr-ui" {');
    expect(config).toContain(`secret "${secret}";`);
    const listed = tsigKeyListSchema.parse((await api('/api/tsig-keys')).body).keys;
    expect(listed.map((k) => k.name)).toEqual(['xfr-ui']);
    expect(JSON.stringify(listed)).not.toContain(secret);
    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Closed for good: nothing on the page shows the secret any more.
    expect(await page.getByText(secret).count()).toBe(0);
    await keys.getByTestId('tsig-key-row').filter({ hasText: 'xfr-ui' }).waitFor();

    const port = await closedPort();
    const panel = page.getByRole('article', { name: 'Secondary servers' });
    await panel.getByRole('button', { name: 'Add secondary' }).click();
    await page.getByLabel('Secondary name', { exact: true }).fill('ns-dead');
    await page.getByLabel('Secondary address', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Secondary port', { exact: true }).fill(String(port));
    await page.getByLabel('TSIG key', { exact: true }).selectOption({ label: 'xfr-ui' });
    await panel.getByRole('button', { name: 'Add secondary' }).click();
    const row = panel.getByTestId('secondary-row').filter({ hasText: 'ns-dead' });
    await row.filter({ hasText: 'xfr-ui' }).waitFor();
    const list = secondaryListSchema.parse((await api('/api/secondaries')).body);
    expect(list.secondaries).toEqual([
      expect.objectContaining({
        name: 'ns-dead',
        address: '127.0.0.1',
        port,
        tsigKeyName: 'xfr-ui',
      }),
    ]);
    await keys.getByTestId('tsig-key-row').filter({ hasText: 'ns-dead' }).waitFor();

    // Nothing answers there: the watcher's secondary_status turns the row failing, live.
    await panel.locator('[data-testid="secondary-row"][data-state="failing"]').waitFor({
      timeout: 30_000,
    });
    await row.locator('.pill-bad', { hasText: 'failing' }).waitFor();
    // The event also reaches the toasts, described in one line.
    await page.locator('.toast', { hasText: 'Secondary ns-dead is failing' }).first().waitFor();

    // A key in use cannot be deleted: the server's refusal names its user.
    await keys.getByRole('button', { name: 'Delete TSIG key xfr-ui' }).click();
    await keys.getByRole('button', { name: 'Confirm' }).click();
    await keys.getByTestId('tsig-refusal').filter({ hasText: 'in use by' }).waitFor();
    expect(tsigKeyListSchema.parse((await api('/api/tsig-keys')).body).keys).toHaveLength(1);

    expect(list.consumerConfig).not.toBeNull();
    await panel.getByTestId('consumer-config').waitFor();
  });

  it('lists a transfer signed with the key among the recent transfers', async () => {
    const page = await s.signedIn('/replication');
    page.setDefaultTimeout(15_000);
    const port = String(s.server.config.bind.dnsPort);
    const out = await run('dig', [
      '@127.0.0.1',
      '-p',
      port,
      '-y',
      `hmac-sha256:xfr-ui:${secret}`,
      ZONE,
      'AXFR',
    ]).then((r) => r.stdout);
    expect(out).toMatch(/www\.replica-ui\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.1/);
    await page
      .getByRole('article', { name: 'Recent zone transfers' })
      .getByTestId('zone-transfer')
      .filter({ hasText: ZONE })
      .first()
      .waitFor({ timeout: 30_000 });
    // The whole page in one picture, without the toasts over it.
    await page.getByTestId('secondary-row').filter({ hasText: 'failing' }).waitFor();
    for (const close of await page.getByRole('button', { name: 'Dismiss notification' }).all()) {
      await close.click().catch(() => undefined);
    }
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'replication');
    await page.setViewportSize(WIDE);
  });

  it("shows a zone's serials: the database's and the served one equal", async () => {
    const sync = await waitForValue(
      async () => zoneSyncSchema.parse((await api(`/api/zones/${ZONE}/sync`)).body),
      (v) => v.dbSerial !== null && v.servedSerial === v.dbSerial,
      'named to serve the database serial',
    );
    const page = await s.signedIn(`/zones/${ZONE}`);
    page.setDefaultTimeout(15_000);
    const panel = page.getByRole('region', { name: 'Serials' });
    await panel
      .getByTestId('serial-db')
      .filter({ hasText: String(sync.dbSerial) })
      .waitFor();
    await panel
      .locator('[data-testid="serial-served"][data-drift="false"]')
      .filter({ hasText: String(sync.dbSerial) })
      .waitFor();
    // The dead secondary has no serial: its row is marked as drift.
    await panel
      .locator('[data-testid="serial-secondary"][data-drift="true"]')
      .filter({ hasText: 'ns-dead' })
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'zone-serials');
  });

  it('lets an operator read the page without the admin controls', async () => {
    const page = await s.signedIn('/replication', OPERATOR);
    page.setDefaultTimeout(15_000);
    await page.getByTestId('secondary-row').filter({ hasText: 'ns-dead' }).waitFor();
    await page.getByTestId('tsig-key-row').filter({ hasText: 'xfr-ui' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add secondary' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add key' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Delete TSIG key/ }).count()).toBe(0);
    const refused = await s.server.api('/api/tsig-keys', {
      token: (await s.server.login(OPERATOR.username, OPERATOR.password)).accessToken,
      body: { name: 'op-key' },
    });
    expect(refused.status).toBe(403);
  });
});
