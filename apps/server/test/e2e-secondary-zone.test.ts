/**
 * A secondary zone made in headless Chromium: a plain named (startPlainNamed) is the primary of
 * the zone and transfers it only with a TSIG key; the key reaches our server over REST, an admin
 * creates the secondary zone through the create-zone form (a bad primary first, refused in the
 * form), and the zone page shows the read-only "Secondary zone" panel with no record editor. Our
 * managed named then answers the primary's record with `aa`; the admin moves the zone to another
 * primary port through the panel's edit form; a viewer sees the panel without the edit button.
 * Screenshot: secondary-zone.png.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoneSchema } from '@hdns/protocol/rest';
import { waitForValue } from '@hdns/testkit';
import { freePort, tempDir } from './bind-helpers.js';
import { createUser, screenshot } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';
import { startPlainNamed, type PlainNamed } from './plain-named.js';

const ZONE = 'secondary-ui.test';
const KEY = 'xfr-e2e';
const VIEWER = { username: 'vera', password: 'viewer-password-7', role: 'viewer' };
const secret = randomBytes(32).toString('base64');

/** dig's header flags (`qr aa` …) and whether the answer holds `www`'s address. */
const flagsOf = (out: string): string[] => (/flags: ([a-z ]+);/.exec(out)?.[1] ?? '').split(' ');
const answers = (out: string, address: string): boolean =>
  new RegExp(
    `^www\\.${ZONE.replace(/\./g, '\\.')}\\.\\s+\\d+\\s+IN\\s+A\\s+${address.replace(/\./g, '\\.')}$`,
    'm',
  ).test(out);

describe('secondary zone in headless Chromium', () => {
  let s: DashboardSuite;
  let primary: PlainNamed;
  let zoneFiles: { dir: string; remove: () => Promise<void> };
  let keyId = '';
  const api = (pathname: string, init: Parameters<DashboardSuite['server']['api']>[1] = {}) =>
    s.server.api(pathname, { token: s.admin, ...init });

  beforeAll(async () => {
    // The zone file outside the peer's directory: startPlainNamed creates that one and starts
    // named at once, so the file must exist before.
    zoneFiles = await tempDir('hdns-secondary-zone-');
    await writeFile(
      path.join(zoneFiles.dir, 'zone.db'),
      '$TTL 300\n@ IN SOA ns1 hostmaster 7 60 60 3600 60\n@ IN NS ns1\nns1 IN A 192.0.2.1\nwww IN A 192.0.2.10\n',
    );
    primary = await startPlainNamed(
      (dir, port) => `key "${KEY}" { algorithm hmac-sha256; secret "${secret}"; };
controls { };
options {
  directory "${dir}"; pid-file "${dir}/named.pid"; session-keyfile "${dir}/session.key";
  listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; };
  recursion no; dnssec-validation no; notify no;
  allow-transfer { key "${KEY}"; };
};
zone "${ZONE}" { type primary; file "${zoneFiles.dir}/zone.db"; };
`,
    );
    s = await startDashboardSuite();
    await createUser(s.server, s.admin, VIEWER);
  }, 180_000);

  afterAll(async () => {
    await s?.close();
    await primary?.remove();
    await zoneFiles?.remove();
  });

  it('creates the zone through the form and shows it read-only, answered with aa', async () => {
    const key = await api('/api/tsig-keys', {
      method: 'POST',
      body: { name: KEY, algorithm: 'hmac-sha256', secret },
    });
    expect(key.status).toBe(201);
    keyId = (key.body as { id: string }).id;

    const page = await s.signedIn('/zones');
    page.setDefaultTimeout(15_000);
    await page.getByRole('button', { name: 'New zone', exact: true }).click();
    const form = page.getByRole('form', { name: 'New zone' });
    await form.getByLabel('Name', { exact: true }).fill(ZONE);
    await form.getByLabel('Type', { exact: true }).selectOption('secondary');
    await form.getByLabel('TSIG key', { exact: true }).selectOption({ label: KEY });
    // A bad port is refused in the form, before any request.
    await form.getByLabel('Primaries', { exact: true }).fill(`127.0.0.1#99999`);
    await form.getByRole('button', { name: 'Create zone' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'Primaries: 127.0.0.1#99999: the port after # must be 1 to 65535' })
      .waitFor();
    expect((await api(`/api/zones/${ZONE}`)).status).toBe(404);

    await form.getByLabel('Primaries', { exact: true }).fill(`127.0.0.1#${primary.port}`);
    await form.getByRole('button', { name: 'Create zone' }).click();
    await form.waitFor({ state: 'detached' });
    const created = zoneSchema.parse((await api(`/api/zones/${ZONE}`)).body);
    expect(created).toMatchObject({
      type: 'secondary',
      primaries: [`127.0.0.1#${primary.port}`],
      tsigKeyId: keyId,
    });

    await page.getByRole('link', { name: ZONE, exact: true }).click();
    await page.getByRole('heading', { name: ZONE }).waitFor();
    const panel = page.getByRole('region', { name: 'Secondary zone' });
    await panel
      .getByTestId('secondary-primaries')
      .filter({ hasText: `127.0.0.1#${primary.port}` })
      .waitFor();
    await panel
      .getByTestId('secondary-key')
      .filter({ hasText: `${KEY} (hmac-sha256)` })
      .waitFor();
    // The serials panel stays; no record editor, import or record table is offered.
    await page.getByRole('region', { name: 'Serials' }).waitFor();
    for (const name of ['Add record', 'Import', 'Download zone file']) {
      expect(await page.getByRole('button', { name, exact: true }).count()).toBe(0);
    }
    expect(await page.getByRole('table', { name: 'Records' }).count()).toBe(0);

    const out = await waitForValue(
      () => s.dig(`www.${ZONE}`),
      (o) => answers(o, '192.0.2.10'),
      "our named to serve the primary's www",
      30_000,
    );
    expect(flagsOf(out)).toContain('aa');
    // The picture without the creation toasts over it.
    for (const close of await page.getByRole('button', { name: 'Dismiss notification' }).all()) {
      await close.click().catch(() => undefined);
    }
    await screenshot(page, 'secondary-zone');
  });

  it("changes the zone's primaries through the panel", async () => {
    const page = await s.signedIn(`/zones/${ZONE}`);
    page.setDefaultTimeout(15_000);
    const panel = page.getByRole('region', { name: 'Secondary zone' });
    await panel.getByRole('button', { name: 'Edit primaries' }).click();
    const form = panel.getByRole('form', { name: 'Edit secondary zone' });
    const other = await freePort();
    await form.getByLabel('Primaries', { exact: true }).fill(`not-an-address`);
    await form.getByRole('button', { name: 'Save primaries' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'not-an-address is not an IP address' })
      .waitFor();

    await form
      .getByLabel('Primaries', { exact: true })
      .fill(`127.0.0.1#${primary.port}, 127.0.0.1#${other}`);
    await form.getByLabel('TSIG key', { exact: true }).selectOption({ label: KEY });
    await form.getByRole('button', { name: 'Save primaries' }).click();
    await form.waitFor({ state: 'detached' });
    await panel
      .getByTestId('secondary-primaries')
      .filter({ hasText: `127.0.0.1#${primary.port}, 127.0.0.1#${other}` })
      .waitFor();
    const saved = zoneSchema.parse((await api(`/api/zones/${ZONE}`)).body);
    expect(saved.primaries).toEqual([`127.0.0.1#${primary.port}`, `127.0.0.1#${other}`]);
    expect(saved.tsigKeyId).toBe(keyId);
    // Still served from the primary after named reloaded the changed zone statement.
    const out = await waitForValue(
      () => s.dig(`www.${ZONE}`),
      (o) => answers(o, '192.0.2.10'),
      'the zone served after the change',
      30_000,
    );
    expect(flagsOf(out)).toContain('aa');
  });

  it('shows a viewer the panel without the edit form', async () => {
    const page = await s.signedIn(`/zones/${ZONE}`, VIEWER);
    page.setDefaultTimeout(15_000);
    const panel = page.getByRole('region', { name: 'Secondary zone' });
    // Viewers may not list TSIG keys: the key reads as its id, not as none.
    await panel
      .getByTestId('secondary-key')
      .filter({ hasText: `key ${keyId}` })
      .waitFor();
    expect(await panel.getByRole('button', { name: 'Edit primaries' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Zone settings' }).count()).toBe(0);
  });
});
