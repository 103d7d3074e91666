/**
 * The alerts page in headless Chromium against the real server and a real local HTTP receiver:
 * an admin creates a signed webhook channel in the page, sends a test (the log shows it
 * delivered with the receiver's 200 and the receiver verifies the signature), watches a
 * delivery to a failing receiver end dead, re-sends it once the receiver is back, and adds a
 * rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver } from './alert-receiver.js';
import { screenshot } from './e2e-helpers.js';
import { startDashboardSuite, type DashboardSuite } from './e2e-suite.js';

const SECRET = 'dashboard-shared-secret-0123456789';

describe('alerts page in headless Chromium', () => {
  let s: DashboardSuite;
  let receiver: AlertReceiver;

  beforeAll(async () => {
    receiver = await startAlertReceiver(SECRET);
    s = await startDashboardSuite({
      env: {
        HDNS_ALERT_ALLOW_PRIVATE_TARGETS: 'true',
        HDNS_ALERT_POLL_MS: '100',
        HDNS_ALERT_RETRY_BASE_MS: '50',
        HDNS_ALERT_MAX_ATTEMPTS: '2',
        HDNS_ALERT_TIMEOUT: '5',
      },
    });
  }, 150_000);

  afterAll(async () => {
    await s?.close();
    await receiver?.close();
  });

  it('creates a channel, sends a test, re-sends a dead delivery and adds a rule', async () => {
    const page = await s.signedIn('/alerts');
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await page.getByText('No channels.').waitFor();

    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.getByRole('form', { name: 'New channel' });
    await form.getByLabel('Name').fill('ops hook');
    await form.getByLabel('URL').fill(`${receiver.url}/hook`);
    await form.getByLabel('Signing secret (optional, 16+ characters)').fill(SECRET);
    await form.getByRole('button', { name: 'Create channel' }).click();
    const channels = page.getByRole('table', { name: 'Channels' });
    await channels.getByRole('cell', { name: 'ops hook', exact: true }).waitFor();

    await page.getByRole('button', { name: 'Send test to ops hook' }).click();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await log.getByRole('cell', { name: 'delivered', exact: true }).waitFor();
    await log.getByRole('cell', { name: '200', exact: true }).waitFor();
    const hook = receiver.requests.filter((r) => r.path === '/hook');
    expect(hook).toHaveLength(1);
    expect(hook[0]?.signatureValid).toBe(true);

    // A receiver answering 500: two attempts, then dead; back up, a re-send gets through.
    receiver.setMode('/down', 'fail');
    const created = await s.server.api('/api/alerts/channels', {
      token: s.admin,
      body: { name: 'down hook', kind: 'webhook', config: { url: `${receiver.url}/down` } },
    });
    expect(created.status).toBe(201);
    await page.reload();
    await page.getByRole('button', { name: 'Send test to down hook' }).click();
    await log.getByRole('cell', { name: 'dead', exact: true }).waitFor();
    await log.getByText('HTTP 500').waitFor();
    receiver.setMode('/down', 'ok');
    await log
      .getByRole('row')
      .filter({ hasText: 'down hook' })
      .getByRole('button', { name: /^Re-send delivery/ })
      .click();
    await log.getByRole('cell', { name: 'resend', exact: true }).waitFor();
    await expect
      .poll(() => receiver.requests.filter((r) => r.path === '/down').map((r) => r.answered), {
        timeout: 10_000,
      })
      .toEqual([500, 500, 200]);

    await page.getByRole('button', { name: 'New rule' }).click();
    const ruleForm = page.getByRole('form', { name: 'New rule' });
    await ruleForm.getByLabel('Name').fill('BIND trouble');
    await ruleForm.getByLabel('Event type').selectOption('health_alert');
    await ruleForm.getByLabel('Channel').selectOption({ label: 'ops hook' });
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    const rules = page.getByRole('table', { name: 'Rules' });
    await rules.getByRole('cell', { name: 'BIND trouble', exact: true }).waitFor();
    await rules.getByRole('cell', { name: /health_alert · priority ≥ high/ }).waitFor();
    await screenshot(page, 'alerts');
  }, 90_000);
});
