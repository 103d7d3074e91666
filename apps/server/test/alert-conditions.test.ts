import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertWebhookBodySchema, type AlertWebhookBody } from '@hdns/protocol/rest';
import { makeTempDir, removeDir, waitFor } from '@hdns/testkit';
import { startAlertReceiver, type AlertReceiver } from './alert-receiver.js';
import { startFakeUpstream } from './bind-helpers.js';
import { startDnsHarness, type DnsHarness } from './dns-harness.js';
import { startTestServer, type TestServer } from './helpers.js';

/**
 * Alert rule conditions on real events: a forwarder that stays down (`held`, fired by time
 * alone), the share of SERVFAIL answers a real named gave (`ratio`, from dnstap) on one node
 * (`nodes`), and a state that began before a server restart firing after it (the windows are
 * rebuilt from the event log). Bodies are checked against the protocol's webhook schema.
 */

const run = promisify(execFile);
const SECRET = 'receiver-shared-secret-0123456789';
const FAST = {
  HDNS_ALERT_ALLOW_PRIVATE_TARGETS: 'true',
  HDNS_ALERT_TIMEOUT: '2',
  HDNS_ALERT_RETRY_BASE_MS: '50',
  HDNS_ALERT_RETRY_MAX_MS: '200',
  HDNS_ALERT_POLL_MS: '100',
};

/** The bodies the receiver got on `path`, parsed with the protocol's schema. */
function bodies(receiver: AlertReceiver, path: string): AlertWebhookBody[] {
  return receiver.requests
    .filter((r) => r.path === path)
    .map((r) => {
      expect(r.signatureValid).toBe(true);
      return alertWebhookBodySchema.parse(JSON.parse(r.body));
    });
}

describe('alert conditions on a real named', () => {
  let h: DnsHarness;
  let receiver: AlertReceiver;
  let upstream: Awaited<ReturnType<typeof startFakeUpstream>>;

  const channel = async (path: string): Promise<string> => {
    const res = await h.api('/api/alerts/channels', {
      body: {
        name: path,
        kind: 'webhook',
        config: { url: `${receiver.url}${path}`, secret: SECRET },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { id: string }).id;
  };
  const rule = async (body: Record<string, unknown>): Promise<void> => {
    const res = await h.api('/api/alerts/rules', { body: { name: 'condition', ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };

  beforeAll(async () => {
    receiver = await startAlertReceiver(SECRET);
    // Every name it does not know is a SERVFAIL, its own health probe ('.' NS) too: a broken
    // upstream that goes down in the monitor and makes named answer SERVFAIL (forward only).
    upstream = await startFakeUpstream({}, 2);
    h = await startDnsHarness(['health', 'query'], {
      ...FAST,
      HDNS_MONITORS: 'true',
      HDNS_FORWARDER_CHECK_INTERVAL: '1',
      HDNS_DNSTAP_IDENTITY: 'node-a',
    });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await upstream?.close();
    await receiver?.close();
  });

  it('a forwarder down for 2 s alerts once, with the event that began the state', async () => {
    await rule({
      match: { types: ['forwarder_status_change'] },
      threshold: { kind: 'held', when: { to: ['down'] }, forSec: 2, groupBy: 'forwarderId' },
      channelIds: [await channel('/held')],
    });
    const fw = await h.api('/api/forwarders', {
      body: { name: 'broken', address: '127.0.0.1', port: upstream.port },
    });
    expect(fw.status).toBe(201);
    const down = await h.waitEvent('forwarder_status_change', (d) => d['to'] === 'down', 20_000);
    await waitFor(() => bodies(receiver, '/held').length > 0, 20_000, 'the held alert');
    const [body] = bodies(receiver, '/held');
    expect(body?.event?.id).toBe(down.id);
    expect(body?.observed).toMatchObject({
      kind: 'held',
      since: down.ts,
      group: (fw.body as { id: string }).id,
    });
    expect(body?.observed?.kind === 'held' && body.observed.heldSec).toBeGreaterThanOrEqual(2);
    expect(body?.summary).toContain('held');
    // The state goes on, polls go on: still one alert.
    await new Promise((r) => setTimeout(r, 1500));
    expect(bodies(receiver, '/held')).toHaveLength(1);
  });

  it("a SERVFAIL share above 50 % of node-a's answers alerts; a rule for another node does not", async () => {
    const ratio = (nodes: string[]) => ({
      match: { types: ['dns_query_log'], nodes },
      threshold: {
        kind: 'ratio',
        when: { rcode: ['SERVFAIL'] },
        abovePercent: 50,
        windowSec: 60,
        minEvents: 6,
      },
    });
    await rule({ ...ratio(['node-a']), channelIds: [await channel('/ratio')] });
    await rule({ ...ratio(['node-b']), channelIds: [await channel('/other')] });
    for (let i = 0; i < 8; i++) {
      await run('dig', [
        '@127.0.0.1',
        '-p',
        String(h.dnsPort),
        '+time=3',
        '+tries=1',
        `n${i}.broken.example`,
        'A',
      ]);
    }
    await waitFor(() => bodies(receiver, '/ratio').length > 0, 20_000, 'the ratio alert');
    const [body] = bodies(receiver, '/ratio');
    expect(body?.event?.event).toBe('dns_query_log');
    expect(body?.event?.data).toMatchObject({ rcode: 'SERVFAIL', node: 'node-a' });
    const seen = body?.observed;
    expect(seen?.kind).toBe('ratio');
    if (seen?.kind !== 'ratio') return;
    expect(seen.events).toBeGreaterThanOrEqual(6);
    expect(seen.hits / seen.events).toBeGreaterThan(0.5);
    expect(seen.percent).toBeGreaterThan(50);
    // Still above the bar for the rest of the queries: one alert for the episode.
    await new Promise((r) => setTimeout(r, 1500));
    expect(bodies(receiver, '/ratio')).toHaveLength(1);
    expect(bodies(receiver, '/other')).toEqual([]);
  });
});

describe('a held condition across a restart', () => {
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

  it('a state that began before the restart fires after it, once', async () => {
    server = await startTestServer({ dataDir, env: FAST });
    let token = (await server.login()).accessToken;
    const ch = await server.api('/api/alerts/channels', {
      token,
      body: { name: 'w', kind: 'webhook', config: { url: `${receiver.url}/r`, secret: SECRET } },
    });
    expect(ch.status).toBe(201);
    const rule = await server.api('/api/alerts/rules', {
      token,
      body: {
        name: 'still critical',
        match: { types: ['health_alert'] },
        threshold: { kind: 'held', when: { severity: ['critical'] }, forSec: 4, groupBy: 'source' },
        channelIds: [(ch.body as { id: string }).id],
      },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const emitted = await server.api('/api/admin/events', {
      token,
      body: {
        type: 'health_alert',
        priority: 'critical',
        data: { severity: 'critical', source: 'test', message: 'disk full' },
      },
    });
    expect(emitted.status).toBe(201);
    const emittedAt = Date.now();
    // The dispatcher reads the event (its stored position moves past it), then the restart:
    // only the windows rebuilt from the log can remember the state.
    const eventId = (emitted.body as { id: string }).id;
    const live = server;
    const [logged] = await live.app.hub.log.query({ ids: [eventId] });
    await waitFor(
      async () => {
        const row = await live.app.db.selectFrom('alert_cursor').select('seq').executeTakeFirst();
        return Number(row?.seq ?? 0) >= (logged?.seq ?? Infinity);
      },
      10_000,
      'the matcher past the event',
    );
    await server.close();
    expect(receiver.requests).toEqual([]);
    server = await startTestServer({ dataDir, env: FAST });
    token = (await server.login()).accessToken;
    await waitFor(() => bodies(receiver, '/r').length > 0, 20_000, 'the alert after the restart');
    expect(Date.now() - emittedAt).toBeGreaterThanOrEqual(4000);
    const [body] = bodies(receiver, '/r');
    expect(body?.event?.id).toBe((emitted.body as { id: string }).id);
    expect(body?.observed).toMatchObject({ kind: 'held', group: 'test' });
    await new Promise((r) => setTimeout(r, 1000));
    expect(bodies(receiver, '/r')).toHaveLength(1);
  });
});
