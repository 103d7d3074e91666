/**
 * The Account page in headless Chromium against the real server: a user reaches it from the
 * shell's user link, ends another of their sessions (its refresh cookie is then refused), is told
 * plainly when the current password is wrong, changes the password and stays signed in (the
 * live connection comes back, a reload keeps the session), and sets a category to quiet, after
 * which an event of that category raises no toast and no unread entry while one of a category
 * left at "toast" still does.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, publish, screenshot, waitConnected } from './e2e-helpers.js';
import { refreshCookieFrom } from './helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';

const AMY = { username: 'amy', password: 'amy-password-1', role: 'operator' };
const NEW_PASSWORD = 'amy-password-2';

describe('account page in headless Chromium', () => {
  let s: DashboardSuite;
  let page: Page;

  const restLogin = async (password: string) => {
    const res = await s.server.api('/api/auth/login', {
      body: { username: AMY.username, password },
    });
    return { status: res.status, cookie: refreshCookieFrom(res.headers) };
  };
  const refreshStatus = async (cookie: string) =>
    (await s.server.api('/api/auth/refresh', { method: 'POST', cookie })).status;

  beforeAll(async () => {
    s = await startDashboardSuite();
    await createUser(s.server, s.admin, AMY);
  }, 150_000);

  afterAll(async () => {
    await s?.close();
  });

  it('ends another session from the list', async () => {
    // Another login of amy's (a script, say): it shows up in the list and can be ended.
    const other = await restLogin(AMY.password);
    expect(other.status).toBe(200);
    page = await s.signedIn('/', AMY);
    await page.getByRole('link', { name: `Account of ${AMY.username}` }).click();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    const rows = page.getByTestId('session-row');
    await page.locator('[data-testid="session-row"][data-current="true"]').waitFor();
    await expect.poll(() => rows.count()).toBe(2);
    const otherRow = page.locator('[data-testid="session-row"][data-current="false"]');
    await otherRow.getByRole('button', { name: /^End session from/ }).click();
    await otherRow.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('.toast', { hasText: 'Session ended' }).waitFor();
    await otherRow.waitFor({ state: 'detached' });
    expect(await rows.count()).toBe(1);
    expect(await refreshStatus(other.cookie ?? '')).toBe(401);
  });

  it('says when the current password is wrong, then changes it and stays signed in', async () => {
    const form = page.getByRole('form', { name: 'Change password' });
    await form.getByLabel('Current password').fill('not-my-password');
    await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await form.getByLabel('Repeat new password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'The current password is wrong. Your password was not changed.' })
      .waitFor();
    expect((await restLogin(AMY.password)).status).toBe(200);

    // The two new passwords must match before anything is sent.
    await form.getByLabel('Current password').fill(AMY.password);
    await form.getByLabel('Repeat new password').fill('something-else-1');
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('alert').filter({ hasText: 'The two new passwords differ.' }).waitFor();

    await form.getByLabel('Repeat new password').fill(NEW_PASSWORD);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    // The old password is gone; the sessions of other logins were ended; this page goes on.
    expect((await restLogin(AMY.password)).status).toBe(401);
    await waitConnected(page);
    await expect.poll(() => page.getByTestId('session-row').count()).toBe(1);
    await page.reload();
    await page.getByRole('heading', { name: 'Account' }).waitFor();
    await waitConnected(page);
    expect((await restLogin(NEW_PASSWORD)).status).toBe(200);
  });

  it('a quiet category raises no toast and no unread entry', async () => {
    const security = page.getByLabel('Notifications for security');
    await security.selectOption('quiet');
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await screenshot(page, 'account');
    const stored = await s.server.api('/api/account/preferences', {
      token: (await s.server.login(AMY.username, NEW_PASSWORD)).accessToken,
    });
    expect(stored.body).toMatchObject({ notifications: { security: 'quiet', health: 'toast' } });

    // The quiet (critical) event first, then a toast-worthy one of a category left at toast:
    // once the second one's toast shows, the first one has been handled.
    await publish(s.server.url, s.admin, 'security_alert');
    await publish(s.server.url, s.admin, 'health_alert');
    await page.locator('.toast', { hasText: 'Median forwarder latency above threshold' }).waitFor();
    expect(await page.locator('.toast', { hasText: 'Repeated failed logins' }).count()).toBe(0);
    await page.getByRole('button', { name: /^Notifications, \d+ unread/ }).click();
    const panel = page.getByRole('dialog', { name: 'Notifications' });
    await panel.getByText('Median forwarder latency above threshold').first().waitFor();
    expect(await panel.getByText('Repeated failed logins').count()).toBe(0);

    // Back to toast: the same event now raises one.
    await page.keyboard.press('Escape');
    await security.selectOption('toast');
    await page.getByRole('button', { name: 'Save notifications' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await publish(s.server.url, s.admin, 'security_alert');
    await page.locator('.toast', { hasText: 'Repeated failed logins' }).waitFor();
  });
});
