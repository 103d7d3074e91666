/**
 * The DNSSEC panel in headless Chromium against the real server and named: signing is turned
 * on from the zone settings form ("Sign with policy"), the panel shows the key and its DS, a
 * key change (a rollover started with rndc, published by the monitor) appears live, and the
 * screenshot goes to docs/screenshots/dnssec.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { zoneDnssecSchema } from '@hdns/protocol/rest';
import { dnssecMonitorFor } from '../src/monitors/dnssec-watch.js';
import { screenshot } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';
import { createZoneWithWww } from './helpers.js';

const ZONE = 'signed-ui.test';

describe('DNSSEC panel in headless Chromium', () => {
  let s: DashboardSuite;
  let page: Page;
  const api = (pathname: string, init: Parameters<DashboardSuite['server']['api']>[1] = {}) =>
    s.server.api(pathname, { token: s.admin, ...init });

  beforeAll(async () => {
    s = await startDashboardSuite();
    await createZoneWithWww(api, ZONE);
  }, 180_000);

  afterAll(async () => {
    await s?.close();
  });

  it('signs a zone from the settings form and shows its key and DS record', async () => {
    page = await s.signedIn(`/zones/${ZONE}`);
    await page.getByRole('button', { name: 'Zone settings' }).click();
    await page.getByLabel('Sign with policy').selectOption('default');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const panel = page.getByRole('region', { name: 'DNSSEC' });
    await panel.getByTestId('ds-record').first().waitFor();
    const view = zoneDnssecSchema.parse((await api(`/api/zones/${ZONE}/dnssec`)).body);
    expect(view.policy).toBe('default');
    expect(await panel.getByTestId('ds-record').first().textContent()).toBe(view.ds[0]!.text);
    expect(await panel.getByTestId('dnssec-key').count()).toBe(1);
    await panel.getByRole('cell', { name: String(view.keys[0]!.tag), exact: true }).waitFor();
    expect(await s.dig(`www.${ZONE}`, 'A')).toContain('192.0.2.1');
  });

  it('shows a new key live when the monitor reports a rollover', async () => {
    const monitor = dnssecMonitorFor(s.server.app);
    const managed = s.server.app.bind.managed;
    if (!monitor || !managed) throw new Error('no managed BIND');
    await monitor.check(); // baseline
    const view = zoneDnssecSchema.parse((await api(`/api/zones/${ZONE}/dnssec`)).body);
    await managed.tools.rndc(['dnssec', '-rollover', '-key', String(view.keys[0]!.tag), ZONE]);
    const panel = page.getByRole('region', { name: 'DNSSEC' });
    // The monitor's event (not a page reload) brings the second key into the panel.
    for (let i = 0; i < 50 && (await panel.getByTestId('dnssec-key').count()) < 2; i++) {
      await monitor.check();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await panel.getByTestId('dnssec-key').count()).toBe(2);
    await screenshot(page, 'dnssec');
  });
});
