/**
 * The alerts page in headless Chromium against the real server and a real local HTTP receiver:
 * an admin creates a signed webhook channel in the page, sends a test (the log shows it
 * delivered with the receiver's 200 and the receiver verifies the signature), watches a
 * delivery to a failing receiver end dead, re-sends it once the receiver is back, and adds a
 * rule; creates, edits (a refused value shows the server's message) and deletes a ratio rule;
 * creates and edits an email channel (a blank password keeps the stored one) and deletes it with
 * its edit form open. Also: at 1280 px an admin's header nav stays one row, with the less-used
 * pages behind "More", a menu that closes when focus leaves it. Each test makes the channels it
 * needs, so each runs alone (-t).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver } from './alert-receiver.js';
import { screenshot, signIn } from './e2e-helpers.js';
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
    await ruleForm.getByLabel('Event types (none selected: any)').selectOption('health_alert');
    await ruleForm.getByLabel('At least priority').selectOption('high');
    await ruleForm.getByLabel('Channels').selectOption({ label: 'ops hook' });
    await ruleForm.getByRole('button', { name: 'Create rule' }).click();
    const rules = page.getByRole('table', { name: 'Rules' });
    await rules.getByRole('cell', { name: 'BIND trouble', exact: true }).waitFor();
    await rules.getByRole('cell', { name: 'health_alert, priority ≥ high', exact: true }).waitFor();
    await screenshot(page, 'alerts');
  }, 90_000);

  it('creates, edits and deletes a ratio rule in the form', async () => {
    await createChannel('rule hook', '/rule');
    await createChannel('escalation hook', '/escalation');
    const page = await s.signedIn('/alerts');
    await page
      .getByRole('table', { name: 'Channels' })
      .getByRole('cell', { name: 'rule hook', exact: true })
      .waitFor();
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name').fill('SERVFAIL rate');
    await form.getByLabel('Event types (none selected: any)').selectOption('dns_query_log');
    await form.getByLabel('Nodes (comma-separated)').fill('ns1, ns2');
    await form.getByLabel('Condition', { exact: true }).selectOption('ratio');
    await form.getByLabel('When field').fill('rcode');
    await form.getByLabel('Is one of (comma-separated)').fill('SERVFAIL, REFUSED');
    await form.getByLabel('Above %').fill('5');
    await form.getByLabel('Window (s)').fill('60');
    await form.getByLabel('For (s)').fill('120');
    await form.getByLabel('At least events').fill('20');
    await form.getByLabel('Channels').selectOption({ label: 'rule hook' });
    await form.getByLabel('Escalate critical events to').selectOption({ label: 'escalation hook' });
    await form.getByLabel('Unacknowledged for (min)').fill('15');
    await form.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 110));
    await screenshot(page, 'alerts-rule-form');
    await form.getByRole('button', { name: 'Create rule' }).click();

    const rules = page.getByRole('table', { name: 'Rules' });
    const row = rules.getByRole('row').filter({ hasText: 'SERVFAIL rate' });
    await row
      .getByRole('cell', {
        name: 'dns_query_log, node ns1, node ns2: rcode SERVFAIL|REFUSED above 5 % over 60 s for 120 s',
        exact: true,
      })
      .waitFor();
    await row.getByRole('cell', { name: 'escalation hook after 15 min', exact: true }).waitFor();
    const stored = await ruleNamed('SERVFAIL rate');
    expect(stored.threshold).toEqual({
      kind: 'ratio',
      when: { rcode: ['SERVFAIL', 'REFUSED'] },
      abovePercent: 5,
      windowSec: 60,
      forSec: 120,
      minEvents: 20,
    });
    expect(stored.match).toEqual({ types: ['dns_query_log'], nodes: ['ns1', 'ns2'] });

    // Edit: a value the server refuses shows its message beside the form; then a good one.
    await page.getByRole('button', { name: 'Edit rule SERVFAIL rate' }).click();
    const edit = page.getByRole('form', { name: 'Edit rule SERVFAIL rate' });
    expect(await edit.getByLabel('When field').inputValue()).toBe('rcode');
    expect(await edit.getByLabel('At least events').inputValue()).toBe('20');
    await edit.getByLabel('Above %').fill('150');
    await edit.getByRole('button', { name: 'Save rule' }).click();
    await edit
      .getByRole('alert')
      .getByText(/threshold.*abovePercent/)
      .waitFor();
    await edit.getByLabel('Above %').fill('10');
    await edit.getByLabel('Per value of').selectOption('node');
    await edit.getByLabel('Escalate critical events to').selectOption('');
    await edit.getByRole('button', { name: 'Save rule' }).click();
    await edit.waitFor({ state: 'detached' });
    await row
      .getByRole('cell', {
        name: 'dns_query_log, node ns1, node ns2: rcode SERVFAIL|REFUSED above 10 % over 60 s for 120 s per node',
        exact: true,
      })
      .waitFor();
    const edited = await ruleNamed('SERVFAIL rate');
    expect(edited.threshold).toMatchObject({ kind: 'ratio', abovePercent: 10, groupBy: 'node' });
    expect(edited.escalation).toBeNull();

    // A channel a rule still sends to cannot go: the server's refusal shows on its card.
    const channelsCard = page
      .getByRole('article')
      .filter({ has: page.getByRole('heading', { name: 'Channels' }) });
    await page.getByRole('button', { name: 'Delete channel rule hook' }).click();
    await channelsCard.getByRole('button', { name: 'Confirm' }).click();
    await channelsCard
      .getByRole('alert')
      .getByText(/Rules still send to this channel/)
      .waitFor();

    await page.getByRole('button', { name: 'Delete rule SERVFAIL rate' }).click();
    await rules.getByRole('button', { name: 'Confirm' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await rulesNamed('SERVFAIL rate')).toHaveLength(0);
  }, 60_000);

  it('creates and edits an email channel; a blank password keeps the stored one', async () => {
    const page = await s.signedIn('/alerts');
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.getByRole('form', { name: 'New channel' });
    await form.getByLabel('Name').fill('on-call mail');
    await form.getByLabel('Kind').selectOption('email');
    await form.getByLabel('SMTP host').fill('127.0.0.1');
    await form.getByLabel('SMTP port').fill('2525');
    await form.getByLabel('SMTP user').fill('hdns');
    await form.getByLabel('SMTP password', { exact: true }).fill('mail-password');
    await form.getByLabel('From', { exact: true }).fill('hdns@example.com');
    await form.getByLabel('To (comma-separated)').fill('oncall@example.com, noc@example.com');
    await screenshot(page, 'alerts-channel-form');
    await form.getByRole('button', { name: 'Create channel' }).click();
    const channels = page.getByRole('table', { name: 'Channels' });
    const row = channels.getByRole('row').filter({ hasText: 'on-call mail' });
    await row.getByRole('cell', { name: 'oncall@example.com, noc@example.com' }).waitFor();
    const created = await channelNamed('on-call mail');
    expect(created).toMatchObject({
      kind: 'email',
      config: {
        smtpHost: '127.0.0.1',
        smtpPort: 2525,
        smtpSecure: false,
        smtpUser: 'hdns',
        from: 'hdns@example.com',
        to: ['oncall@example.com', 'noc@example.com'],
        hasSmtpPassword: true,
      },
    });

    await page.getByRole('button', { name: 'Edit channel on-call mail' }).click();
    const edit = page.getByRole('form', { name: 'Edit channel on-call mail' });
    expect(await edit.getByLabel('SMTP host').inputValue()).toBe('127.0.0.1');
    expect(await edit.getByLabel('SMTP password (blank keeps the current one)').inputValue()).toBe(
      '',
    );
    await edit.getByLabel('Name').fill('pager mail');
    await edit.getByLabel('To (comma-separated)').fill('pager@example.com');
    await edit.getByRole('button', { name: 'Save channel' }).click();
    await channels.getByRole('cell', { name: 'pager mail', exact: true }).waitFor();
    const edited = await channelNamed('pager mail');
    expect(edited.id).toBe(created.id);
    expect(edited.config).toMatchObject({ to: ['pager@example.com'], hasSmtpPassword: true });

    // Deleted while its edit form is open: the form goes and "New channel" comes back.
    await page.getByRole('button', { name: 'Edit channel pager mail' }).click();
    await page.getByRole('form', { name: 'Edit channel pager mail' }).waitFor();
    await page.getByRole('button', { name: 'Delete channel pager mail' }).click();
    await channels.getByRole('button', { name: 'Confirm' }).click();
    await channels.getByRole('cell', { name: 'pager mail', exact: true }).waitFor({
      state: 'detached',
    });
    await page
      .getByRole('form', { name: 'Edit channel pager mail' })
      .waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'New channel' }).waitFor();
  }, 60_000);

  it("keeps an admin's header nav on one row at 1280 px, every page reachable", async () => {
    const page = await s.signedIn('/alerts');
    expect(page.viewportSize()?.width).toBe(1280);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Alerts' }).waitFor();
    const rows = await page.evaluate(() => {
      const items = Array.from(
        document.querySelectorAll('#main-nav > .nav-link, #main-nav > .nav-more > button'),
      );
      const header = document.querySelector('.header-row');
      const signOut = Array.from(document.querySelectorAll('.header-tools button')).at(-1);
      return {
        tops: items.map((el) => el.getBoundingClientRect().top),
        count: items.length,
        navHeight: (document.querySelector('#main-nav') as HTMLElement).offsetHeight,
        itemHeight: (items[0] as HTMLElement).offsetHeight,
        headerBottom: header?.getBoundingClientRect().bottom ?? 0,
        signOutBottom: signOut?.getBoundingClientRect().bottom ?? Infinity,
      };
    });
    expect(rows.count).toBe(9); // eight pages and "More"
    expect(new Set(rows.tops).size).toBe(1);
    expect(rows.navHeight).toBe(rows.itemHeight);
    expect(rows.signOutBottom).toBeLessThanOrEqual(rows.headerBottom);

    // The menu closes when focus leaves it (Tab past its last link), not while it moves inside.
    const more = nav.getByRole('button', { name: /^More/ });
    await more.click();
    await nav.getByRole('link', { name: 'Settings' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('link', { name: 'Admin' }).focus();
    await page.keyboard.press('Tab');
    await expect.poll(() => more.getAttribute('aria-expanded')).toBe('false');
    await nav.getByRole('link', { name: 'Settings' }).waitFor({ state: 'hidden' });

    // The pages behind "More" are one click away.
    await nav.getByRole('button', { name: /^More/ }).click();
    await nav.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await nav.getByRole('button', { name: /^More/ }).click();
    await nav.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();

    // Narrow windows: the menu button lists every page, those behind "More" included.
    const narrow = await s.newPage({ width: 390, height: 844 });
    await signIn(narrow, s.server.url, 'admin', s.server.adminPassword);
    await narrow.getByRole('button', { name: 'Menu' }).click();
    const menu = narrow.getByRole('navigation', { name: 'Main' });
    await menu.getByRole('link', { name: 'Settings' }).click();
    await narrow.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    expect(await menu.getByRole('button', { name: /^More/ }).isVisible()).toBe(false);
  }, 45_000);

  interface RuleJson {
    id: string;
    name: string;
    match: unknown;
    threshold: unknown;
    escalation: unknown;
  }
  interface ChannelJson {
    id: string;
    name: string;
    config: unknown;
  }
  async function rulesNamed(name: string): Promise<RuleJson[]> {
    const res = await s.server.api('/api/alerts/rules', { token: s.admin });
    return (res.body as { rules: RuleJson[] }).rules.filter((r) => r.name === name);
  }
  async function ruleNamed(name: string): Promise<RuleJson> {
    const [rule] = await rulesNamed(name);
    if (!rule) throw new Error(`no rule ${name}`);
    return rule;
  }
  async function createChannel(name: string, path: string): Promise<void> {
    const res = await s.server.api('/api/alerts/channels', {
      token: s.admin,
      body: { name, kind: 'webhook', config: { url: `${receiver.url}${path}` } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  async function channelNamed(name: string): Promise<ChannelJson> {
    const res = await s.server.api('/api/alerts/channels', { token: s.admin });
    const found = (res.body as { channels: ChannelJson[] }).channels.find((c) => c.name === name);
    if (!found) throw new Error(`no channel ${name}`);
    return found;
  }
});
