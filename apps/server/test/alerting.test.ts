import { makeTempDir, removeDir, waitFor, waitForValue, type ApiInit } from '@hdns/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver } from './alert-receiver.js';
import { startTestServer, type TestServer } from './helpers.js';
import { startSmtpSink } from './smtp-sink.js';

/**
 * Alert rules and channels against the real server and a real local HTTP receiver: delivery,
 * HMAC signatures, retries with a stable Idempotency-Key, the dead-letter state, a receiver that
 * times out or cuts the socket, re-send and test sends, the chat/Alertmanager bodies, the SSRF
 * guard, escalation of unacknowledged critical events, and a server restart mid-delivery.
 */

const SECRET = 'receiver-shared-secret-0123456789';

/** Fast retries; loopback targets allowed (the receiver is on 127.0.0.1). */
const FAST = {
  HDNS_ALERT_ALLOW_PRIVATE_TARGETS: 'true',
  HDNS_ALERT_TIMEOUT: '1',
  HDNS_ALERT_MAX_ATTEMPTS: '3',
  HDNS_ALERT_RETRY_BASE_MS: '50',
  HDNS_ALERT_RETRY_MAX_MS: '200',
  HDNS_ALERT_POLL_MS: '50',
};

interface Delivery {
  id: string;
  channelId: string;
  ruleId: string | null;
  eventId: string | null;
  reason: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

class Admin {
  constructor(
    readonly server: TestServer,
    readonly token: string,
  ) {}

  static async of(server: TestServer): Promise<Admin> {
    return new Admin(server, (await server.login()).accessToken);
  }

  api(path: string, init: ApiInit = {}) {
    return this.server.api(path, { token: this.token, ...init });
  }

  async channel(url: string, kind = 'webhook', secret: string | null = SECRET): Promise<string> {
    const res = await this.api('/api/alerts/channels', {
      body: { name: `${kind} ${url}`, kind, config: { url, ...(secret ? { secret } : {}) } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { id: string }).id;
  }

  async rule(body: Record<string, unknown>): Promise<string> {
    const res = await this.api('/api/alerts/rules', {
      body: { name: 'rule', match: { types: ['health_alert'] }, ...body },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { id: string }).id;
  }

  async emit(severity: 'warning' | 'critical', message: string): Promise<string> {
    const res = await this.api('/api/admin/events', {
      body: {
        type: 'health_alert',
        priority: severity === 'critical' ? 'critical' : 'high',
        data: { severity, source: 'test', message },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { id: string }).id;
  }

  async deliveries(channelId: string): Promise<Delivery[]> {
    const res = await this.api(`/api/alerts/deliveries?channelId=${channelId}&limit=500`);
    expect(res.status).toBe(200);
    return (res.body as { deliveries: Delivery[] }).deliveries;
  }

  /** The delivery of `eventId` (or the only one) on a channel once `ok` accepts it. */
  async settled(
    channelId: string,
    ok: (d: Delivery) => boolean,
    what: string,
    timeoutMs = 15_000,
  ): Promise<Delivery> {
    const list = await waitForValue(
      () => this.deliveries(channelId),
      (ds) => ds.some(ok),
      what,
      timeoutMs,
    );
    return list.find(ok) as Delivery;
  }

  async deleteRules(): Promise<void> {
    const res = await this.api('/api/alerts/rules');
    for (const r of (res.body as { rules: { id: string }[] }).rules) {
      expect((await this.api(`/api/alerts/rules/${r.id}`, { method: 'DELETE' })).status).toBe(204);
    }
  }
}

function bodyOf(r: { body: string }): Record<string, unknown> {
  return JSON.parse(r.body) as Record<string, unknown>;
}

describe('alert deliveries', () => {
  let server: TestServer;
  let admin: Admin;
  let receiver: AlertReceiver;

  beforeAll(async () => {
    receiver = await startAlertReceiver(SECRET);
    server = await startTestServer({ env: FAST });
    admin = await Admin.of(server);
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });
  afterEach(async () => {
    await admin.deleteRules();
  });

  it('delivers a matching event once, signed, with the delivery id as Idempotency-Key', async () => {
    const channel = await admin.channel(`${receiver.url}/ok`);
    await admin.rule({ channelIds: [channel] });
    const eventId = await admin.emit('warning', 'named restarted');
    const done = await admin.settled(
      channel,
      (x) => x.eventId === eventId && x.status === 'delivered',
      'delivered',
    );
    expect(done).toMatchObject({ attempts: 1, lastStatusCode: 200, reason: 'alert' });
    const got = receiver.requests.filter((r) => r.path === '/ok');
    expect(got).toHaveLength(1);
    const [req] = got;
    expect(req?.signatureValid).toBe(true);
    expect(req?.headers['idempotency-key']).toBe(done.id);
    expect(Number(req?.headers['x-hdns-timestamp'])).toBeGreaterThan(0);
    const body = bodyOf(req ?? { body: '{}' });
    expect(body.deliveryId).toBe(done.id);
    expect((body.event as { id: string }).id).toBe(eventId);
    expect(String(body.summary)).toContain('named restarted');
    // A secret is write-only.
    const listed = await admin.api('/api/alerts/channels');
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
    expect(JSON.stringify(listed.body)).toContain('"hasSecret":true');
  });

  it('does not deliver events the rule does not match', async () => {
    const channel = await admin.channel(`${receiver.url}/only-critical`);
    await admin.rule({ channelIds: [channel], match: { minSeverity: 'critical' } });
    await admin.emit('warning', 'not for this rule');
    const critical = await admin.emit('critical', 'for this rule');
    await admin.settled(channel, (x) => x.eventId === critical && x.status === 'delivered', 'ok');
    // Events are matched in log order, so the earlier warning was already passed over.
    expect((await admin.deliveries(channel)).map((d) => d.eventId)).toEqual([critical]);
  });

  it('retries a 500 with the same Idempotency-Key, then succeeds', async () => {
    receiver.setMode('/flaky', 'fail-twice');
    const channel = await admin.channel(`${receiver.url}/flaky`);
    await admin.rule({ channelIds: [channel] });
    const eventId = await admin.emit('warning', 'flaky receiver');
    const d = await admin.settled(
      channel,
      (x) => x.eventId === eventId && x.status === 'delivered',
      'delivered after retries',
    );
    expect(d).toMatchObject({ attempts: 3, lastStatusCode: 200 });
    const got = receiver.requests.filter((r) => r.path === '/flaky');
    expect(got.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(got.map((r) => r.headers['idempotency-key']))).toEqual(new Set([d.id]));
    expect(got.every((r) => r.signatureValid === true)).toBe(true);
  });

  it('marks a delivery dead after the last attempt, and re-sends it on request', async () => {
    receiver.setMode('/dead', 'fail');
    const channel = await admin.channel(`${receiver.url}/dead`);
    await admin.rule({ channelIds: [channel] });
    const eventId = await admin.emit('critical', 'receiver down');
    const dead = await admin.settled(
      channel,
      (x) => x.eventId === eventId && x.status === 'dead',
      'dead',
    );
    expect(dead).toMatchObject({ attempts: 3, lastStatusCode: 500, lastError: 'HTTP 500' });
    expect(receiver.requests.filter((r) => r.path === '/dead')).toHaveLength(3);

    receiver.setMode('/dead', 'ok');
    const resent = await admin.api(`/api/alerts/deliveries/${dead.id}/resend`, {
      method: 'POST',
    });
    expect(resent.status).toBe(202);
    const again = resent.body as Delivery;
    expect(again).toMatchObject({ reason: 'resend', eventId, status: 'pending' });
    expect(again.id).not.toBe(dead.id);
    await admin.settled(channel, (x) => x.id === again.id && x.status === 'delivered', 'resent');
    const last = receiver.requests.filter((r) => r.path === '/dead').at(-1);
    expect(last?.headers['idempotency-key']).toBe(again.id);
    expect((bodyOf(last ?? { body: '{}' }).event as { id: string }).id).toBe(eventId);
  });

  it('gives up on a receiver that never answers (timeout)', async () => {
    receiver.setMode('/hang', 'hang');
    const channel = await admin.channel(`${receiver.url}/hang`);
    await admin.rule({ channelIds: [channel] });
    const eventId = await admin.emit('warning', 'hang');
    const d = await admin.settled(
      channel,
      (x) => x.eventId === eventId && x.status === 'dead',
      'dead by timeouts',
      30_000,
    );
    expect(d).toMatchObject({ attempts: 3, lastStatusCode: null });
    expect(d.lastError).toMatch(/no answer within 1000 ms/);
    expect(receiver.requests.filter((r) => r.path === '/hang')).toHaveLength(3);
  });

  it('records a socket closed before the answer as a failed attempt', async () => {
    receiver.setMode('/reset', 'reset');
    const channel = await admin.channel(`${receiver.url}/reset`);
    await admin.rule({ channelIds: [channel] });
    const eventId = await admin.emit('warning', 'reset');
    const d = await admin.settled(
      channel,
      (x) => x.eventId === eventId && x.status === 'dead',
      'dead by resets',
    );
    expect(d.lastStatusCode).toBeNull();
    expect(d.lastError).toMatch(/ECONNRESET|socket hang up/);
  });

  it('sends test notifications in the Slack, Teams and Alertmanager shapes', async () => {
    const slack = await admin.channel(`${receiver.url}/slack`, 'slack', null);
    const teams = await admin.channel(`${receiver.url}/teams`, 'teams', null);
    const am = await admin.channel(`${receiver.url}/am`, 'alertmanager', null);
    for (const id of [slack, teams, am]) {
      const res = await admin.api(`/api/alerts/channels/${id}/test`, { method: 'POST' });
      expect(res.status).toBe(202);
      const test = res.body as Delivery;
      expect(test.reason).toBe('test');
      await admin.settled(id, (x) => x.id === test.id && x.status === 'delivered', 'test send');
    }
    const one = (path: string) => receiver.requests.find((r) => r.path === path);
    expect(String(bodyOf(one('/slack') ?? { body: '{}' }).text)).toContain('Test notification');
    expect(String(bodyOf(one('/teams') ?? { body: '{}' }).text)).toContain('Test notification');
    const alerts = JSON.parse(one('/am/api/v2/alerts')?.body ?? 'null') as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
      startsAt: string;
    }[];
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.labels.alertname).toBe('hdns_test');
    expect(alerts[0]?.annotations.summary).toContain('Test notification');
    expect(Number.isNaN(Date.parse(alerts[0]?.startsAt ?? ''))).toBe(false);
  });

  it('escalates an unacknowledged critical event once, and not an acknowledged one', async () => {
    const primary = await admin.channel(`${receiver.url}/esc-primary`);
    const escalation = await admin.channel(`${receiver.url}/esc`);
    await admin.rule({
      channelIds: [primary],
      match: { types: ['health_alert'], minPriority: 'critical' },
      escalation: { afterMinutes: 0.05, channelId: escalation },
    });
    const acked = await admin.emit('critical', 'acknowledged in time');
    const ack = await admin.api('/api/events/ack', { body: { ids: [acked] } });
    expect(ack.status).toBe(200);
    const ignored = await admin.emit('critical', 'nobody looked');
    await admin.settled(
      escalation,
      (x) => x.eventId === ignored && x.status === 'delivered',
      'escalation',
    );
    // The acknowledged event's watch fell due first (it is older), so it has been decided.
    const escalated = await admin.deliveries(escalation);
    expect(escalated.map((d) => [d.eventId, d.reason])).toEqual([[ignored, 'escalation']]);
    const sent = receiver.requests.filter((r) => r.path === '/esc');
    expect(sent).toHaveLength(1);
    expect(String(bodyOf(sent[0] ?? { body: '{}' }).summary)).toContain('ESCALATED');
    // Both went to the primary channel as usual.
    const first = await admin.deliveries(primary);
    expect(first.map((d) => d.eventId).sort()).toEqual([acked, ignored].sort());
  });

  it('sends email over SMTP with the delivery id as Message-ID, and retries a refusal', async () => {
    const sink = await startSmtpSink();
    try {
      const created = await admin.api('/api/alerts/channels', {
        body: {
          name: 'mail',
          kind: 'email',
          config: {
            smtpHost: '127.0.0.1',
            smtpPort: sink.port,
            from: 'hdns@example.test',
            to: ['oncall@example.test'],
          },
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const channel = (created.body as { id: string }).id;
      await admin.rule({ channelIds: [channel] });
      const eventId = await admin.emit('critical', 'mail me');
      const d = await admin.settled(
        channel,
        (x) => x.eventId === eventId && x.status === 'delivered',
        'email delivered',
      );
      expect(d).toMatchObject({ attempts: 1, lastStatusCode: 250 });
      expect(sink.messages).toHaveLength(1);
      const mail = sink.messages[0] ?? '';
      expect(mail).toContain(`Message-ID: <${d.id}@hybrid-dns-server>`);
      expect(mail).toContain('mail me');
      expect(mail).toContain(eventId);

      sink.refuse = true;
      const refused = await admin.emit('critical', 'mailbox gone');
      const dead = await admin.settled(
        channel,
        (x) => x.eventId === refused && x.status === 'dead',
        'email dead',
      );
      expect(dead).toMatchObject({ attempts: 3, lastStatusCode: 550 });
      expect(sink.messages).toHaveLength(1);
    } finally {
      await sink.close();
    }
  });

  it('lets operators read but not change alerting', async () => {
    const created = await admin.api('/api/users', {
      body: { username: 'alert-operator', password: 'operator-password-1', role: 'operator' },
    });
    expect(created.status).toBe(201);
    const op = (await server.login('alert-operator', 'operator-password-1')).accessToken;
    expect((await server.api('/api/alerts/rules', { token: op })).status).toBe(200);
    // A Slack URL holds its token: operators see the origin, admins the whole URL.
    const slackUrl = `${receiver.url}/services/T000/B000/secret-path-token`;
    const slack = await admin.channel(slackUrl, 'slack', null);
    const urlOf = async (token: string) =>
      (
        (await server.api('/api/alerts/channels', { token })).body as {
          channels: { id: string; config: { url?: string } }[];
        }
      ).channels.find((c) => c.id === slack)?.config.url;
    expect(await urlOf(op)).toBe(`${receiver.url}/…`);
    expect(await urlOf(admin.token)).toBe(slackUrl);
    expect((await admin.api(`/api/alerts/channels/${slack}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await server.api('/api/alerts/deliveries', { token: op })).status).toBe(200);
    const refused = await server.api('/api/alerts/channels', {
      token: op,
      body: { name: 'x', kind: 'webhook', config: { url: `${receiver.url}/x` } },
    });
    expect(refused.status).toBe(403);
  });

  it('refuses rules naming unknown channels and deleting channels in use', async () => {
    const channel = await admin.channel(`${receiver.url}/in-use`);
    const unknown = await admin.api('/api/alerts/rules', {
      body: { name: 'r', channelIds: ['00000000-0000-4000-8000-000000000000'] },
    });
    expect(unknown.status).toBe(422);
    expect((unknown.body as { code: string }).code).toBe('ALERT_CHANNEL_UNKNOWN');
    await admin.rule({ channelIds: [channel] });
    const del = await admin.api(`/api/alerts/channels/${channel}`, { method: 'DELETE' });
    expect(del.status).toBe(409);
    expect((del.body as { code: string }).code).toBe('ALERT_CHANNEL_IN_USE');
  });

  it("a rule naming a channel and the channel's delete, sent together, never both succeed", async () => {
    const outcomes = new Set<string>();
    for (let i = 0; i < 15; i++) {
      const channel = await admin.channel(`${receiver.url}/race-${i}`);
      const [rule, del] = await Promise.all([
        admin.api('/api/alerts/rules', {
          body: { name: `race ${i}`, match: { types: ['health_alert'] }, channelIds: [channel] },
        }),
        admin.api(`/api/alerts/channels/${channel}`, { method: 'DELETE' }),
      ]);
      outcomes.add(`${rule.status}/${del.status}`);
      // Either the rule came first (the delete sees it in use) or the delete did (the rule
      // names a channel that is gone): never a stored rule with a deleted channel.
      expect([`201/409`, `422/204`]).toContain(`${rule.status}/${del.status}`);
    }
    const rules = (await admin.api('/api/alerts/rules')).body as {
      rules: { channelIds: string[] }[];
    };
    const channels = (await admin.api('/api/alerts/channels')).body as {
      channels: { id: string }[];
    };
    const live = new Set(channels.channels.map((c) => c.id));
    for (const r of rules.rules) for (const c of r.channelIds) expect(live.has(c)).toBe(true);
    console.log(`rule/delete race outcomes: ${[...outcomes].join(', ')}`);
    await admin.deleteRules();
  });

  it('audits every change to alerting, naming who and what but never a secret', async () => {
    const channel = await admin.channel(`${receiver.url}/audited`);
    const rename = await admin.api(`/api/alerts/channels/${channel}`, {
      method: 'PATCH',
      body: {
        name: 'renamed',
        config: { url: `${receiver.url}/audited`, secret: `${SECRET}-new` },
      },
    });
    expect(rename.status).toBe(200);
    const rule = await admin.rule({
      channelIds: [channel],
      threshold: { count: 3, windowSec: 60 },
    });
    expect(
      (await admin.api(`/api/alerts/rules/${rule}`, { method: 'PATCH', body: { enabled: false } }))
        .status,
    ).toBe(200);
    expect(
      (await admin.api(`/api/alerts/channels/${channel}/test`, { method: 'POST' })).status,
    ).toBe(202);
    expect((await admin.api(`/api/alerts/rules/${rule}`, { method: 'DELETE' })).status).toBe(204);
    expect((await admin.api(`/api/alerts/channels/${channel}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    const rows = (await server.app.auditLog.list({ since: new Date(Date.now() - 60_000) })).filter(
      (r) =>
        r.action.startsWith('alert_') && (r.target?.endsWith(channel) || r.target?.endsWith(rule)),
    );
    expect(rows.map((r) => r.action).sort()).toEqual(
      [
        'alert_channel_create',
        'alert_channel_update',
        'alert_rule_create',
        'alert_rule_update',
        'alert_channel_test',
        'alert_rule_delete',
        'alert_channel_delete',
      ].sort(),
    );
    for (const r of rows) {
      expect(r.actorUsername).toBe('admin');
      expect(r.ip).toBe('127.0.0.1');
      expect(JSON.stringify(r.details ?? {})).not.toContain(SECRET);
    }
    const created = rows.find((r) => r.action === 'alert_rule_create');
    expect(created?.details).toMatchObject({ summary: 'health_alert: 3 in 60 s', enabled: true });
    const updated = rows.find((r) => r.action === 'alert_channel_update');
    expect(updated?.details).toEqual({
      changed: ['name', 'config'],
      configFields: ['url', 'secret'],
    });
  });
});

describe('alert target guard', () => {
  let server: TestServer;
  let admin: Admin;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await Admin.of(server);
  });
  afterAll(() => server?.close());

  it.each(['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://[::1]:9/hook'])(
    'refuses %s while HDNS_ALERT_ALLOW_PRIVATE_TARGETS is off',
    async (url) => {
      const res = await admin.api('/api/alerts/channels', {
        body: { name: 'internal', kind: 'webhook', config: { url } },
      });
      expect(res.status).toBe(422);
      expect((res.body as { code: string }).code).toBe('ALERT_TARGET_REFUSED');
    },
  );

  it('refuses a loopback SMTP server too', async () => {
    const res = await admin.api('/api/alerts/channels', {
      body: {
        name: 'mail',
        kind: 'email',
        config: { smtpHost: 'localhost', from: 'a@example.test', to: ['b@example.test'] },
      },
    });
    expect(res.status).toBe(422);
    expect((res.body as { code: string }).code).toBe('ALERT_TARGET_REFUSED');
  });
});

describe('alert delivery across a server restart', () => {
  let dataDir: string;
  let receiver: AlertReceiver;
  let server: TestServer | undefined;

  beforeAll(async () => {
    dataDir = await makeTempDir();
    receiver = await startAlertReceiver(SECRET);
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await removeDir(dataDir);
  });

  it('finishes a delivery cut off by a shutdown after the restart, once', async () => {
    // A long timeout: the stalled attempt ends by the shutdown, not by the sender giving up.
    const env = { ...FAST, HDNS_ALERT_TIMEOUT: '60' };
    server = await startTestServer({ dataDir, env });
    let admin = await Admin.of(server);
    receiver.setMode('/stall', 'stall-once');
    const channel = await admin.channel(`${receiver.url}/stall`);
    await admin.rule({ channelIds: [channel] });
    const eventId = await admin.emit('critical', 'mid-delivery');
    await waitFor(() => receiver.requests.some((r) => r.path === '/stall'), 15_000, 'first try');
    const inFlight = await admin.settled(channel, (x) => x.eventId === eventId, 'queued');
    expect(inFlight.status).toBe('sending');

    await server.close();
    server = await startTestServer({ dataDir, env });
    admin = await Admin.of(server);
    const done = await admin.settled(
      channel,
      (x) => x.eventId === eventId && x.status === 'delivered',
      'delivered after restart',
    );
    expect(done.id).toBe(inFlight.id);
    const tries = receiver.requests.filter((r) => r.path === '/stall');
    expect(tries).toHaveLength(2);
    expect(new Set(tries.map((r) => r.headers['idempotency-key']))).toEqual(new Set([done.id]));
    expect([...receiver.successes('/stall')]).toEqual([[done.id, 1]]);
    // The matcher resumed from its stored position: nothing was queued twice.
    expect((await admin.deliveries(channel)).filter((d) => d.eventId === eventId)).toHaveLength(1);
  });
});
