/**
 * The settings page in headless Chromium against the real server and a real managed named: an
 * admin's bad ACL entry is marked on its field before any request, a server refusal lands on the
 * field it names, a valid change (rate limiting on, allow-recursion changed) reaches named.conf
 * and named keeps answering, the forwarders are added, edited and deleted there, a second admin
 * page follows live (and shows the conflict when it has unsaved edits), and an operator does not
 * get the page at all.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DnsSettingsView, Forwarder } from '@hdns/protocol/rest';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForValue } from '@hdns/testkit';
import { bindLayout } from '../src/bind/bind-layout.js';
import { createUser, screenshot } from './e2e-helpers.js';
import { startDashboardSuite, WIDE, type DashboardSuite } from './e2e-suite.js';

const OPERATOR = { username: 'oscar', password: 'operator-password-3', role: 'operator' };
/** A second admin: the server keeps one WebSocket per user, a newer one supersedes the older. */
const ADA = { username: 'ada', password: 'admin-password-2', role: 'admin' };
const ZONE = 'settings.test';

describe('settings page in headless Chromium', () => {
  let s: DashboardSuite;

  const namedConf = (): Promise<string> =>
    readFile(bindLayout(path.join(s.server.dataDir, 'bind')).namedConf, 'utf8');
  const dnsView = async (): Promise<DnsSettingsView> => {
    const res = await s.server.api('/api/settings/dns', { token: s.admin });
    expect(res.status).toBe(200);
    return res.body as DnsSettingsView;
  };
  const forwarders = async (): Promise<Forwarder[]> =>
    (
      (await s.server.api('/api/forwarders', { token: s.admin })).body as {
        forwarders: Forwarder[];
      }
    ).forwarders;
  const openSettings = async (who?: typeof ADA): Promise<Page> => {
    const page = await s.signedIn('/settings', who);
    await page.getByRole('heading', { name: 'DNS service' }).waitFor();
    await page.getByRole('button', { name: 'Save DNS settings' }).waitFor();
    return page;
  };
  const fieldAlert = (page: Page, field: string) =>
    page.locator(`[data-field="${field}"]`).getByRole('alert');

  beforeAll(async () => {
    s = await startDashboardSuite();
    await createUser(s.server, s.admin, OPERATOR);
    await createUser(s.server, s.admin, ADA);
    const zone = await s.server.api('/api/zones', {
      token: s.admin,
      body: { name: ZONE, type: 'primary' },
    });
    expect(zone.status).toBe(201);
    const www = await s.server.api(`/api/zones/${ZONE}/records`, {
      token: s.admin,
      body: { name: 'www', type: 'A', value: '192.0.2.1' },
    });
    expect(www.status).toBe(201);
  }, 150_000);

  afterAll(async () => {
    await s?.close();
  });

  it('marks a bad ACL entry on its field, then saves rate limiting and allow-recursion into named', async () => {
    const before = await dnsView();
    expect(before.applies).toBe(true);
    expect(before.settings.listen).toMatchObject({ ipv4: [], ipv6: [] }); // loopback only
    const page = await openSettings();
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT' && r.url().endsWith('/api/settings/dns')) puts.push(r.url());
    });

    // The LAN preset only fills the form; discarding puts the stored values back.
    await page.getByRole('button', { name: 'Serve the LAN' }).click();
    await page.getByTestId('listen-ipv4').filter({ hasText: 'any' }).waitFor();
    await page.getByTestId('listen-ipv6').filter({ hasText: 'any' }).waitFor();
    await expect(page.getByLabel('Listen port', { exact: true }).inputValue()).resolves.toBe('53');
    await expect(page.getByLabel('Allow query', { exact: true }).inputValue()).resolves.toBe(
      'localnets',
    );
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.getByTestId('listen-ipv4').waitFor({ state: 'detached' });
    expect(await page.getByTestId('listen-ipv6').count()).toBe(0);

    const recursion = page.getByLabel('Allow recursion', { exact: true });
    await recursion.fill('localhost\n10.0.0.300');
    await recursion.blur();
    await fieldAlert(page, 'allowRecursion').filter({ hasText: 'line 2 (10.0.0.300)' }).waitFor();
    await expect(recursion.getAttribute('aria-invalid')).resolves.toBe('true');
    // Saving is refused in the page: the field keeps its message.
    await page.getByRole('button', { name: 'Save DNS settings' }).click();
    await fieldAlert(page, 'allowRecursion').filter({ hasText: 'line 2' }).waitFor();

    // A refusal from the server lands on the field its issue path names (injected once).
    let injected = false;
    await page.route('**/api/settings/dns', (route) => {
      if (injected || route.request().method() !== 'PUT') return route.continue();
      injected = true;
      return route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          code: 'VALIDATION_ERROR',
          message: 'Request validation failed',
          details: {
            issues: [{ path: '/rateLimit/exemptClients/0', message: 'injected refusal' }],
          },
        }),
      });
    });
    await recursion.fill('localhost\n10.0.0.0/8\n!10.0.0.5');
    await recursion.blur();
    await fieldAlert(page, 'allowRecursion').waitFor({ state: 'detached' });
    await page.getByLabel(/^Limit identical responses/).check();
    await page.getByLabel('Responses per second', { exact: true }).fill('25');
    await page.getByRole('button', { name: 'Save DNS settings' }).click();
    await fieldAlert(page, 'rateLimit/exemptClients')
      .filter({ hasText: 'line 1: injected refusal' })
      .waitFor();
    await page
      .getByTestId('settings-error')
      .filter({ hasText: 'see the marked settings' })
      .waitFor();
    expect((await dnsView()).version).toBe(before.version);

    expect(injected).toBe(true);
    await page.unroute('**/api/settings/dns');
    await page.getByRole('button', { name: 'Save DNS settings' }).click();
    const saved = page.getByTestId('settings-saved');
    await saved.filter({ hasText: 'Applied to named' }).waitFor();
    const after = await dnsView();
    expect(after.version).toBe(before.version + 1);
    await saved.filter({ hasText: `version ${after.version}` }).waitFor();
    expect(after.settings.allowRecursion).toEqual(['localhost', '10.0.0.0/8', '!10.0.0.5']);
    expect(after.settings.rateLimit).toMatchObject({ enabled: true, responsesPerSecond: 25 });
    expect(await page.getByTestId('settings-error').count()).toBe(0);
    // The injected answer and the real save: the refused bad ACL never left the page.
    expect(puts).toHaveLength(2);

    const conf = await namedConf();
    expect(conf).toContain('responses-per-second 25;');
    expect(conf).toMatch(/allow-recursion \{[^}]*10\.0\.0\.0\/8; !10\.0\.0\.5; \}/);
    expect(await s.dig(`www.${ZONE}`)).toMatch(
      /www\.settings\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.1/,
    );

    const events = await s.server.api('/api/events?type=config_change&limit=50', {
      token: s.admin,
    });
    const changes = (
      events.body as { events: { data: { scope: string; key?: string; after?: string } }[] }
    ).events.map((e) => e.data);
    expect(changes).toContainEqual(
      expect.objectContaining({ scope: 'dns', key: 'rateLimit.enabled', after: 'true' }),
    );
  });

  it('adds, edits and deletes a forwarder, and the dashboard card links there', async () => {
    const page = await openSettings();
    const panel = page.getByRole('article', { name: 'Forwarders' });
    await panel.getByRole('button', { name: 'Add forwarder' }).click();
    await page.getByLabel('Forwarder name', { exact: true }).fill('lab resolver');
    await page.getByLabel('Forwarder address', { exact: true }).fill('resolver.lab');
    await page.getByLabel('Forwarder port', { exact: true }).fill('5353');
    await panel.getByRole('button', { name: 'Add forwarder' }).click();
    await panel.getByRole('alert').filter({ hasText: 'must be an IPv4 or IPv6 address' }).waitFor();
    expect(await forwarders()).toEqual([]);

    await page.getByLabel('Forwarder address', { exact: true }).fill('192.0.2.53');
    await panel.getByRole('button', { name: 'Add forwarder' }).click();
    const row = page.getByTestId('forwarder-row').filter({ hasText: 'lab resolver' });
    await row.filter({ hasText: '192.0.2.53' }).waitFor();
    const [created] = await forwarders();
    expect(created).toMatchObject({ name: 'lab resolver', address: '192.0.2.53', port: 5353 });
    expect(await namedConf()).toContain('192.0.2.53 port 5353;');
    // The whole page in one picture: the form and the forwarders below it.
    await page.setViewportSize({ width: 1280, height: 1140 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'settings');
    await page.setViewportSize(WIDE);

    await page.getByRole('button', { name: 'Edit forwarder lab resolver' }).click();
    await page.getByLabel('Forwarder port', { exact: true }).fill('53');
    await page.getByRole('button', { name: 'Save forwarder' }).click();
    await row.locator('td[data-label="Port"]', { hasText: /^53$/ }).waitFor();
    expect(await forwarders()).toEqual([
      expect.objectContaining({ id: created?.id, port: 53, version: (created?.version ?? 0) + 1 }),
    ]);

    const dashboard = await s.signedIn('/');
    await dashboard.getByRole('link', { name: 'Edit forwarders' }).click();
    await dashboard.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(new URL(dashboard.url()).pathname).toBe('/settings');

    await page.getByRole('button', { name: 'Delete forwarder lab resolver' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await forwarders()).toEqual([]);
  });

  it('adds a DNSSEC policy on the settings page, and a zone signs with it from its form', async () => {
    const page = await openSettings();
    page.setDefaultTimeout(15_000);
    const panel = page.getByRole('article', { name: 'DNSSEC policies' });
    await panel.getByRole('button', { name: 'Add policy' }).click();
    const form = panel.getByRole('form', { name: 'New DNSSEC policy' });
    await form.getByLabel('Policy name', { exact: true }).fill('e2e-ed');
    await form.getByLabel('Policy algorithm', { exact: true }).selectOption('ed25519');
    await form.getByLabel('CSK lifetime', { exact: true }).fill('P2Y');
    await form.getByLabel('Signature validity', { exact: true }).fill('two weeks');
    await form.getByRole('button', { name: 'Add policy' }).click();
    // Refused in the page (the protocol's duration check), before any request.
    await form.getByRole('alert').filter({ hasText: 'ISO 8601 duration' }).waitFor();
    expect((await dnsView()).settings.dnssecPolicies).toEqual([]);

    await form.getByLabel('Signature validity', { exact: true }).fill('P21D');
    await form.getByRole('button', { name: 'Add policy' }).click();
    const row = panel.getByTestId('dnssec-policy-row').filter({ hasText: 'e2e-ed' });
    await row.filter({ hasText: 'Ed25519' }).waitFor();
    await form.waitFor({ state: 'detached' });
    expect((await dnsView()).settings.dnssecPolicies).toEqual([
      {
        name: 'e2e-ed',
        algorithm: 'ed25519',
        keys: { kind: 'csk', lifetime: 'P2Y' },
        nsec3: false,
        signaturesValidity: 'P21D',
      },
    ]);
    const conf = await namedConf();
    expect(conf).toContain('dnssec-policy "e2e-ed" {');
    expect(conf).toContain('csk key-directory lifetime P2Y algorithm ed25519;');

    // The zone form's dropdown offers it, and signing with it reaches named.
    const zonePage = await s.signedIn(`/zones/${ZONE}`);
    await zonePage.getByRole('button', { name: 'Zone settings' }).click();
    await zonePage.getByLabel('Sign with policy').locator('option[value="e2e-ed"]').waitFor({
      state: 'attached',
    });
    await zonePage.getByLabel('Sign with policy').selectOption('e2e-ed');
    await zonePage.getByRole('button', { name: 'Save settings' }).click();
    await waitForValue(
      async () =>
        (
          (await s.server.api(`/api/zones/${ZONE}`, { token: s.admin })).body as {
            dnssecPolicy: string | null;
          }
        ).dnssecPolicy,
      (p) => p === 'e2e-ed',
      'the zone to sign with e2e-ed',
    );
    expect(await namedConf()).toMatch(/zone "settings\.test" \{[^}]*dnssec-policy "e2e-ed";/);

    // In use: removing it is refused, naming the zone.
    await page.getByRole('button', { name: 'Remove DNSSEC policy e2e-ed' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await panel
      .getByTestId('dnssec-policy-refusal')
      .filter({ hasText: `used by zone ${ZONE}` })
      .waitFor();
    expect((await dnsView()).settings.dnssecPolicies.map((p) => p.name)).toEqual(['e2e-ed']);
  });

  it('follows changes made elsewhere, and shows the conflict when it has unsaved edits', async () => {
    // Two admins, each with their own live connection; the change comes from a third client.
    const idle = await openSettings();
    const editing = await openSettings(ADA);
    const start = await dnsView();
    await editing.getByLabel('Allow query', { exact: true }).fill('localhost\n192.168.0.0/16');

    const res = await s.server.api('/api/settings/dns', {
      method: 'PUT',
      token: s.admin,
      body: { ...start.settings, dnssecValidation: 'no', version: start.version },
    });
    expect(res.status).toBe(200);

    // The untouched page shows the new value; the one with edits keeps them and says why.
    await waitForValue(
      () => idle.getByLabel('DNSSEC validation', { exact: true }).inputValue(),
      (v) => v === 'no',
      'the idle page to show the new DNSSEC validation',
    );
    const conflict = editing.getByTestId('settings-conflict');
    await conflict
      .filter({ hasText: `admin saved a newer version (v${start.version + 1})` })
      .waitFor();
    await conflict.getByRole('row', { name: /DNSSEC validation auto no/ }).waitFor();
    await expect(editing.getByLabel('Allow query', { exact: true }).inputValue()).resolves.toBe(
      'localhost\n192.168.0.0/16',
    );

    await conflict.getByRole('button', { name: 'Keep current' }).click();
    await conflict.waitFor({ state: 'detached' });
    await expect(editing.getByLabel('Allow query', { exact: true }).inputValue()).resolves.toBe(
      start.settings.allowQuery.join('\n'),
    );
    await expect(
      editing.getByLabel('DNSSEC validation', { exact: true }).inputValue(),
    ).resolves.toBe('no');
  });

  it('is not offered to an operator', async () => {
    const page = await s.signedIn('/settings', OPERATOR);
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByRole('link', { name: 'Settings', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save DNS settings' }).count()).toBe(0);
    await page.goto(s.server.url);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'Forwarders' }).waitFor();
    expect(await page.getByRole('link', { name: 'Edit forwarders' }).count()).toBe(0);
  });
});
