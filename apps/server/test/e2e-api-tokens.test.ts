/**
 * The API tokens page (linked from the account page) in headless Chromium against the real
 * server: an admin creates an operator token (its secret shown once), the token works on REST
 * as an operator, the list then shows its last use and address, and revoking it in the page
 * ends it on REST.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';

describe('API tokens page in headless Chromium', () => {
  let s: DashboardSuite;

  beforeAll(async () => {
    s = await startDashboardSuite();
  }, 150_000);

  afterAll(async () => {
    await s?.close();
  });

  it('creates a token, shows its secret once, lists its last use and revokes it', async () => {
    // The page is reached from the account page (the user's name in the shell).
    const page = await s.signedIn('/account');
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.getByText('No API tokens.').waitFor();

    await page.getByRole('button', { name: 'New token' }).click();
    const form = page.getByRole('form', { name: 'New API token' });
    await form.getByLabel('Name').fill('deploy bot');
    await form.getByLabel('Role').selectOption('operator');
    await form.getByLabel('Zones (empty: all yours)').fill('example.test');
    await form.getByRole('button', { name: 'Create token' }).click();

    const secret = (await page.getByTestId('token-secret').textContent()) ?? '';
    expect(secret).toMatch(/^hdns_[A-Za-z0-9_-]{43}$/);
    const table = page.getByRole('table', { name: 'API tokens' });
    await table.getByRole('cell', { name: /^deploy bot hdns_/ }).waitFor();
    expect(await table.getByRole('row').count()).toBe(2);
    await screenshot(page, 'api-tokens');

    // The token works on REST with the scope chosen in the page.
    const me = await s.server.api('/api/auth/me', { token: secret });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'admin', role: 'operator', zones: ['example.test'] });

    // After a reload the secret is gone for good, and the row shows the use and its address.
    await page.reload();
    await table.getByRole('cell', { name: /^deploy bot hdns_/ }).waitFor();
    expect(await page.getByTestId('token-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await table.getByText('from 127.0.0.1').waitFor();

    await table.getByRole('button', { name: 'Revoke token deploy bot' }).click();
    await table.getByRole('button', { name: 'Revoke now' }).click();
    await page.getByText('No API tokens.').waitFor();
    const after = await s.server.api('/api/auth/me', { token: secret });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'AUTH_FAILED' });
  }, 90_000);
});
