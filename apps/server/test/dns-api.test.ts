import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '@hdns/protocol';
import { TestClient, sleep, freePort } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';

const run = promisify(execFile);
let server: TestServer;
let admin: string;
let dnsPort: number;
let ws: TestClient;

async function dig(name: string, type = 'A'): Promise<{ status: string; answers: string[] }> {
  const { stdout } = await run('dig', [
    '@127.0.0.1',
    '-p',
    String(dnsPort),
    '+time=2',
    '+tries=1',
    '+noall',
    '+comments',
    '+answer',
    name,
    type,
  ]);
  const status = /status: ([A-Z]+)/.exec(stdout)?.[1] ?? 'UNKNOWN';
  const answers = stdout
    .split('\n')
    .filter((l) => l && !l.startsWith(';'))
    .map((l) => l.split(/\s+/).slice(4).join(' '));
  return { status, answers };
}

beforeAll(async () => {
  dnsPort = await freePort();
  server = await startTestServer({
    env: {
      HDNS_BIND_MODE: 'managed',
      HDNS_MONITORS: 'true',
      HDNS_BIND_DNS_PORT: String(dnsPort),
      HDNS_BIND_RNDC_PORT: String(await freePort()),
      HDNS_BIND_STATS_PORT: String(await freePort()),
    },
  });
  admin = (await server.login()).accessToken;
  ws = (
    await TestClient.connect(`${server.url.replace('http', 'ws')}/ws`, {
      token: admin,
      subscribe: ['dns', 'bulk', 'security'],
    })
  ).client;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const api = (path: string, init: Parameters<TestServer['api']>[1] = {}) =>
  server.api(path, { token: admin, ...init });
const eventsOf = (type: string) => ws.events.filter((e) => e.event === type);

describe('DNS over REST with a real named', () => {
  it('creates a zone and a record, serves them, and publishes zone_created, record_created and bind_reload', async () => {
    expect(server.app.bind.mode).toBe('managed');
    const zone = await api('/api/zones', {
      method: 'POST',
      body: { name: 'example.test', type: 'primary' },
    });
    expect(zone.status).toBe(201);
    const rec = await api('/api/zones/example.test/records', {
      method: 'POST',
      body: { name: 'www', type: 'A', value: '192.0.2.10', ttl: 300 },
    });
    expect(rec.status).toBe(201);
    expect(await dig('www.example.test')).toEqual({ status: 'NOERROR', answers: ['192.0.2.10'] });
    await ws.waitFor(() =>
      eventsOf('record_created').length >= 1 && eventsOf('bind_reload').length >= 2
        ? true
        : undefined,
    );
    expect(eventsOf('zone_created')[0]).toMatchObject({
      data: {
        zone: 'example.test',
        before: null,
        after: { name: 'example.test', type: 'primary' },
      },
      meta: { actor: { username: 'admin' } },
    });
    expect(eventsOf('record_created')[0]).toMatchObject({
      data: {
        zone: 'example.test',
        before: null,
        after: { name: 'www', type: 'A', value: '192.0.2.10', ttl: 300 },
      },
    });
    const reload = eventsOf('bind_reload').at(-1);
    expect(reload?.data).toMatchObject({ zone: 'example.test', trigger: 'api', success: true });
  });

  it('updates with before and after, and refuses a stale version with 409', async () => {
    const [www] = (
      (await api('/api/zones/example.test/records')).body as {
        records: { id: string; version: number }[];
      }
    ).records;
    const updated = await api(`/api/zones/example.test/records/${www!.id}`, {
      method: 'PUT',
      body: { name: 'www', type: 'A', value: '192.0.2.20', version: www!.version },
    });
    expect(updated.status).toBe(200);
    expect(await dig('www.example.test')).toEqual({ status: 'NOERROR', answers: ['192.0.2.20'] });
    await ws.waitFor(() => (eventsOf('record_updated').length ? true : undefined));
    expect(eventsOf('record_updated')[0]?.data).toMatchObject({
      before: { value: '192.0.2.10' },
      after: { value: '192.0.2.20' },
    });
    const stale = await api(`/api/zones/example.test/records/${www!.id}`, {
      method: 'PUT',
      body: { name: 'www', type: 'A', value: '192.0.2.30', version: www!.version },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'STALE_VERSION',
      details: { currentVersion: www!.version + 1, current: { value: '192.0.2.20' } },
    });
    expect(await dig('www.example.test')).toEqual({ status: 'NOERROR', answers: ['192.0.2.20'] });
  });

  it('refuses bad record data with clear errors and keeps serving the old serial', async () => {
    const before = (await api('/api/zones/example.test')).body as { serial: number };
    const badIp = await api('/api/zones/example.test/records', {
      method: 'POST',
      body: { name: 'x', type: 'A', value: '999.1.1.1' },
    });
    expect(badIp).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    const cname = await api('/api/zones/example.test/records', {
      method: 'POST',
      body: { name: 'www', type: 'CNAME', value: 'other.example.test.' },
    });
    expect(cname).toMatchObject({ status: 400, body: { code: 'INVALID_RECORD' } });
    // Only named-checkzone catches this one: an in-zone name server without an address.
    const ns = await api('/api/zones/example.test/records', {
      method: 'POST',
      body: { name: '@', type: 'NS', value: 'ns9.example.test.' },
    });
    expect(ns.status).toBe(422);
    expect(ns.body).toMatchObject({ code: 'ZONE_CHECK_FAILED' });
    expect(JSON.stringify(ns.body)).toContain('ns9.example.test');
    const after = (await api('/api/zones/example.test')).body as { serial: number };
    expect(after.serial).toBe(before.serial);
    const soa = await dig('example.test', 'SOA');
    expect(soa.answers[0]?.split(' ')[2]).toBe(String(before.serial));
    expect((await api('/api/zones/example.test/records')).body).toMatchObject({
      records: [expect.objectContaining({ name: 'www' })],
    });
  });

  it('enforces roles: viewers read, zone-scoped operators write only their zones', async () => {
    await api('/api/zones', { method: 'POST', body: { name: 'other.test' } });
    await api('/api/users', {
      method: 'POST',
      body: { username: 'olga', password: 'password-123', role: 'operator', zones: ['other.test'] },
    });
    await api('/api/users', {
      method: 'POST',
      body: { username: 'vic', password: 'password-123', role: 'viewer' },
    });
    const olga = (await server.login('olga', 'password-123')).accessToken;
    const vic = (await server.login('vic', 'password-123')).accessToken;
    expect(
      (
        (await server.api('/api/zones', { token: olga })).body as { zones: { name: string }[] }
      ).zones.map((z) => z.name),
    ).toEqual(['other.test']);
    expect((await server.api('/api/zones/example.test/records', { token: olga })).status).toBe(404);
    expect(
      (
        await server.api('/api/zones/other.test/records', {
          method: 'POST',
          token: olga,
          body: { name: 'a', type: 'A', value: '192.0.2.1' },
        })
      ).status,
    ).toBe(201);
    expect((await server.api('/api/zones/example.test', { token: vic })).status).toBe(200);
    expect(
      (
        await server.api('/api/zones/example.test/records', {
          method: 'POST',
          token: vic,
          body: { name: 'b', type: 'A', value: '192.0.2.2' },
        })
      ).status,
    ).toBe(403);
  });

  it('blocks a name with an RPZ rule at once', async () => {
    expect((await dig('www.example.test')).status).toBe('NOERROR');
    const rule = await api('/api/rpz/rules', {
      method: 'POST',
      body: { domain: 'www.example.test', action: 'nxdomain', category: 'malware' },
    });
    expect(rule.status).toBe(201);
    expect((await dig('www.example.test')).status).toBe('NXDOMAIN');
    await ws.waitFor(() => (eventsOf('rpz_update').length ? true : undefined));
    expect(eventsOf('rpz_update')[0]?.data).toMatchObject({
      action: 'created',
      rule: { domain: 'www.example.test', category: 'malware' },
    });
    await api(`/api/rpz/rules/${(rule.body as { id: string }).id}`, { method: 'DELETE' });
    expect((await dig('www.example.test')).status).toBe('NOERROR');
  });

  it('streams queries as dns_query_log and query_stats, and RPZ hits as threat_detected redacted per role', async () => {
    await api('/api/users', {
      method: 'POST',
      body: { username: 'val', password: 'password-123', role: 'viewer' },
    });
    await api('/api/users', {
      method: 'POST',
      body: { username: 'ada', password: 'password-123', role: 'admin' },
    });
    const val = (await server.login('val', 'password-123')).accessToken;
    // A second admin: the suite's admin socket stays open (one connection per user).
    const ada = (await server.login('ada', 'password-123')).accessToken;
    const base = `${server.url.replace('http', 'ws')}/ws`;
    const adminWs = (
      await TestClient.connect(base, { token: ada, subscribe: ['query', 'threat_detected'] })
    ).client;
    const viewerWs = (
      await TestClient.connect(base, { token: val, subscribe: ['query', 'threat_detected'] })
    ).client;
    await sleep(300); // the tailer polls every 250 ms; give it a first look at the log
    await dig('www.example.test');
    const logged = await adminWs.waitFor(
      () =>
        adminWs.events.find(
          (e) =>
            e.event === 'dns_query_log' &&
            (e.data as { qname: string }).qname === 'www.example.test',
        ),
      10_000,
    );
    expect(logged.data).toMatchObject({ clientIp: '127.0.0.1', qtype: 'A', qclass: 'IN' });
    const stats = await adminWs.waitFor(
      () =>
        adminWs.events.find(
          (e) =>
            e.event === 'query_stats' &&
            (e.data as { topDomains: { name: string }[] }).topDomains.some(
              (d) => d.name === 'www.example.test',
            ),
        ),
      10_000,
    );
    expect((stats.data as { total: number }).total).toBeGreaterThanOrEqual(1);
    const viewerLogged = await viewerWs.waitFor(
      () => viewerWs.events.find((e) => e.event === 'dns_query_log'),
      10_000,
    );
    expect((viewerLogged.data as { clientIp: string }).clientIp).toBe(REDACTED);

    await api('/api/rpz/rules', {
      method: 'POST',
      body: { domain: 'malware.bad.test', action: 'nxdomain', category: 'malware' },
    });
    expect((await dig('malware.bad.test')).status).toBe('NXDOMAIN');
    const threat = await adminWs.waitFor(
      () => adminWs.events.find((e) => e.event === 'threat_detected'),
      10_000,
    );
    expect(threat.data).toMatchObject({
      clientIp: '127.0.0.1',
      qname: 'malware.bad.test',
      category: 'malware',
    });
    const viewerThreat = await viewerWs.waitFor(
      () => viewerWs.events.find((e) => e.event === 'threat_detected'),
      10_000,
    );
    expect(viewerThreat.data).toMatchObject({ clientIp: REDACTED, qname: 'malware.bad.test' });
  }, 30_000);

  it('manages global forwarders and conditional forward zones, announcing config changes', async () => {
    await ws.request({ type: 'subscribe', items: ['config_change'] }, 'subscribed');
    const created = await api('/api/forwarders', {
      method: 'POST',
      body: { name: 'upstream', address: '127.0.0.1', port: 5399 },
    });
    expect(created.status).toBe(201);
    const change = await ws.waitFor(() => ws.events.find((e) => e.event === 'config_change'));
    expect(change.data).toMatchObject({ scope: 'forwarders', before: '', after: '127.0.0.1#5399' });
    expect(
      ((await api('/api/forwarders')).body as { forwarders: unknown[] }).forwarders,
    ).toHaveLength(1);
    // Refused before named sees them: a forwarder that is our own named (a loop), and a second
    // one with the same name or the same address.
    for (const address of ['127.0.0.1', '0.0.0.0', '::ffff:127.0.0.1']) {
      const self = await api('/api/forwarders', {
        method: 'POST',
        body: { name: `self ${address}`, address, port: dnsPort },
      });
      expect(self).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
      expect(JSON.stringify(self.body)).toContain("this server's own named");
    }
    const sameName = await api('/api/forwarders', {
      method: 'POST',
      body: { name: 'Upstream', address: '192.0.2.53' },
    });
    expect(sameName).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    const sameAddress = await api('/api/forwarders', {
      method: 'POST',
      body: { name: 'another', address: '::ffff:127.0.0.1', port: 5399 },
    });
    expect(sameAddress).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    // A local resolver beside named (systemd-resolved's stub) is not our named.
    const stub = await api('/api/forwarders', {
      method: 'POST',
      body: { name: 'stub', address: '127.0.0.53', port: 53 },
    });
    expect(stub.status, JSON.stringify(stub.body)).toBe(201);
    const stubId = (stub.body as { id: string }).id;
    expect((await api(`/api/forwarders/${stubId}`, { method: 'DELETE' })).status).toBe(204);
    expect(
      ((await api('/api/forwarders')).body as { forwarders: unknown[] }).forwarders,
    ).toHaveLength(1);
    const forwardZone = await api('/api/zones', {
      method: 'POST',
      body: { name: 'corp.test', type: 'forward', forwarders: ['127.0.0.1#5399'] },
    });
    expect(forwardZone.status).toBe(201);
    expect(forwardZone.body).toMatchObject({
      type: 'forward',
      forwarders: ['127.0.0.1#5399'],
      forwardPolicy: 'only',
      serial: null,
    });
    const noForwarders = await api('/api/zones', {
      method: 'POST',
      body: { name: 'empty.test', type: 'forward' },
    });
    expect(noForwarders).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(
      (await api(`/api/forwarders/${(created.body as { id: string }).id}`, { method: 'DELETE' }))
        .status,
    ).toBe(204);
    expect((await dig('www.example.test')).status).toBe('NOERROR');
  });

  it('manages TSIG keys and secondaries (on either database), the secret shown once', async () => {
    const key = await api('/api/tsig-keys', {
      method: 'POST',
      body: { name: 'ns2-xfr', algorithm: 'hmac-sha512' },
    });
    expect(key.status).toBe(201);
    const k = key.body as { id: string; secret: string; version: number; config: string };
    expect(Buffer.from(k.secret, 'base64')).toHaveLength(64);
    expect(k.config).toContain(`secret "${k.secret}"`);
    const secondary = await api('/api/secondaries', {
      method: 'POST',
      body: { name: 'ns2', address: '127.0.0.1', port: 5398, tsigKeyId: k.id },
    });
    expect(secondary.status).toBe(201);
    const sec = secondary.body as { id: string; version: number };
    // Only what is sent changes: the key stays.
    const patched = await api(`/api/secondaries/${sec.id}`, {
      method: 'PATCH',
      body: { version: sec.version, enabled: false },
    });
    expect(patched.body).toMatchObject({ enabled: false, tsigKeyId: k.id, port: 5398 });
    const listed = await api('/api/tsig-keys');
    expect(listed.body).toMatchObject({ keys: [{ id: k.id, usedBy: ['ns2'] }] });
    expect(JSON.stringify(listed.body)).not.toContain(k.secret);
    const rotated = await api(`/api/tsig-keys/${k.id}/rotate`, {
      method: 'POST',
      body: { version: k.version },
    });
    expect(rotated.body).toMatchObject({ version: 2 });
    expect((rotated.body as { secret: string }).secret).not.toBe(k.secret);
    expect(await api(`/api/tsig-keys/${k.id}`, { method: 'DELETE' })).toMatchObject({
      status: 409,
      body: { code: 'TSIG_KEY_IN_USE', details: { usedBy: ['ns2'] } },
    });
    expect((await api(`/api/secondaries/${sec.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(`/api/tsig-keys/${k.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await api('/api/tsig-keys')).toMatchObject({ body: { keys: [] } });
  });

  it('imports thousands of records as a job with progress, keeping the good lines of a bad import', async () => {
    const lines = ['name,type,ttl,value'];
    for (let i = 0; i < 3000; i++) lines.push(`h${i},A,300,10.${(i >> 8) & 255}.${i & 255}.1`);
    lines.push('broken,A,300,not-an-ip');
    lines.push('h5,CNAME,300,elsewhere.example.test.');
    const started = await api('/api/zones/example.test/records/import', {
      method: 'POST',
      body: { format: 'csv', data: lines.join('\n') },
    });
    expect(started.status).toBe(202);
    const jobId = (started.body as { id: string }).id;
    await server.app.dns.jobs.settle(jobId);
    const job = (await api(`/api/jobs/${jobId}`)).body as {
      status: string;
      succeeded: number;
      failed: number;
      errors: { line: number }[];
    };
    expect(job).toMatchObject({ status: 'partial', succeeded: 3000, failed: 2 });
    expect(job.errors.map((e) => e.line)).toEqual([3001, 3002]);
    await ws.waitFor(
      () => (ws.events.some((e) => e.event === 'bulk_operation_complete') ? true : undefined),
      20_000,
    );
    const progress = eventsOf('bulk_operation_progress').map(
      (e) => (e.data as { percent: number }).percent,
    );
    expect(progress.length).toBeGreaterThan(1);
    expect(eventsOf('bulk_operation_complete')[0]?.data).toMatchObject({
      jobId,
      status: 'partial',
      succeeded: 3000,
      failed: 2,
      errorCount: 2,
    });
    expect(await dig('h2999.example.test')).toEqual({
      status: 'NOERROR',
      answers: ['10.11.183.1'],
    });
  }, 60_000);

  it('restarts a killed named, alerts admins, and serves again', async () => {
    const pid = server.app.bind.managed?.supervisor.pid;
    expect(pid).toBeTypeOf('number');
    await ws.request({ type: 'subscribe', items: ['health_alert'] }, 'subscribed');
    process.kill(pid as number, 'SIGKILL');
    const alert = await ws.waitFor(
      () =>
        ws.events.find(
          (e) => e.event === 'health_alert' && (e.data as { source: string }).source === 'bind',
        ),
      15_000,
    );
    expect(alert).toMatchObject({ priority: 'critical', data: { severity: 'critical' } });
    await ws.waitFor(
      () =>
        ws.events.find(
          (e) => e.event === 'health_alert' && (e.data as { resolved?: boolean }).resolved === true,
        ),
      15_000,
    );
    expect(server.app.bind.managed?.supervisor.pid).not.toBe(pid);
    expect((await dig('h1.example.test')).answers).toEqual(['10.0.1.1']);
  }, 30_000);
});
