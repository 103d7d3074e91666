import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, EXAMPLE_EVENTS, REDACTED } from '@hdns/protocol';
import { startHub, TestClient, token, sleep, verifyTestToken, type TestHub } from '@hdns/testkit';

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('hub: handshake and subscriptions', () => {
  it('welcomes an authenticated client with its identity, subscriptions and position', async () => {
    t = await startHub();
    await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    const { welcome } = await TestClient.connect(t.url, {
      token: token('u1', 'operator', ['example.com']),
    });
    expect(welcome.user).toEqual({
      id: 'u1',
      username: 'name-u1',
      role: 'operator',
      zones: ['example.com'],
    });
    expect(welcome.position).toEqual({ epoch: t.log.epoch, seq: 1 });
    expect(welcome.resume).toMatchObject({ requested: false, ok: false });
    expect(welcome.subscriptions).toContain('zone_created');
    expect(welcome.subscriptions).toContain('security_alert');
    expect(welcome.subscriptions).not.toContain('user_login');
    expect(welcome.subscriptions).not.toContain('dns_query_log');
  });

  it('subscribe replies with the full effective set and each rejected item with its reason', async () => {
    t = await startHub();
    const { client } = await TestClient.connect(t.url, {
      token: token('v', 'viewer'),
      subscribe: ['zone_created'],
    });
    const reply = await client.request(
      { type: 'subscribe', items: ['health', 'user_login', 'no_such_thing', 'user'] },
      'subscribed',
    );
    expect(reply.subscriptions).toContain('zone_created');
    expect(reply.subscriptions).toContain('health_update');
    expect(reply.rejected).toEqual([
      { item: 'user_login', reason: 'forbidden' },
      { item: 'no_such_thing', reason: 'unknown' },
      { item: 'user', reason: 'forbidden' },
    ]);
    const after = await client.request({ type: 'unsubscribe', items: ['health'] }, 'subscribed');
    expect(after.subscriptions).toEqual(['zone_created']);
  });

  it('delivers only subscribed types, with seq, in order', async () => {
    t = await startHub();
    const { client } = await TestClient.connect(t.url, {
      token: token('a', 'admin'),
      subscribe: ['zone_created', 'zone_deleted'],
    });
    await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    await t.hub.publish('health_update', EXAMPLE_EVENTS.health_update);
    await t.hub.publish('zone_deleted', EXAMPLE_EVENTS.zone_deleted);
    const events = await client.waitForEvents(2);
    expect(events.map((e) => [e.event, e.seq])).toEqual([
      ['zone_created', 1],
      ['zone_deleted', 3],
    ]);
    await client.waitFor(() => (client.through >= 3 ? true : undefined));
  });

  it('refuses a bad token with AUTH_FAILED and a terminal close', async () => {
    t = await startHub();
    const client = await TestClient.open(t.url);
    client.send({ type: 'hello', id: 'x', protocol: 1, token: 'forged' });
    const error = await client.next('error');
    expect(error).toMatchObject({ id: 'x', code: 'AUTH_FAILED' });
    expect((await client.waitClosed()).code).toBe(CloseCode.AUTH_FAILED);
  });

  it('closes a socket that never says hello, and one that sends something else first', async () => {
    t = await startHub({ session: { authTimeoutMs: 200 } });
    const silent = await TestClient.open(t.url);
    expect((await silent.waitClosed()).code).toBe(CloseCode.AUTH_TIMEOUT);
    const rude = await TestClient.open(t.url);
    rude.send({ type: 'subscribe', id: 's', items: ['dns'] });
    expect(await rude.next('error')).toMatchObject({ code: 'NOT_AUTHENTICATED' });
    expect((await rude.waitClosed()).code).toBe(CloseCode.PROTOCOL_VIOLATION);
  });

  it('a newer connection of the same user supersedes the older with a terminal code', async () => {
    t = await startHub();
    const first = await TestClient.connect(t.url, { token: token('same', 'viewer') });
    const second = await TestClient.connect(t.url, { token: token('same', 'viewer') });
    expect((await first.client.waitClosed()).code).toBe(CloseCode.SUPERSEDED);
    expect(second.client.closed).toBeUndefined();
    expect(t.hub.connections().map((c) => c.userId)).toEqual(['same']);
  });

  it('with a per-user limit of 2, a third device supersedes the oldest', async () => {
    t = await startHub({ maxConnectionsPerUser: 2 });
    const a = await TestClient.connect(t.url, { token: token('m', 'viewer'), instanceId: 'a' });
    const b = await TestClient.connect(t.url, { token: token('m', 'viewer'), instanceId: 'b' });
    await sleep(20);
    expect(a.client.closed).toBeUndefined();
    await TestClient.connect(t.url, { token: token('m', 'viewer'), instanceId: 'c' });
    expect((await a.client.waitClosed()).code).toBe(CloseCode.SUPERSEDED);
    expect(b.client.closed).toBeUndefined();
    // The same instance reconnecting replaces itself.
    await TestClient.connect(t.url, { token: token('m', 'viewer'), instanceId: 'b' });
    expect((await b.client.waitClosed()).code).toBe(CloseCode.SUPERSEDED);
  });

  it("an API-token script and its owner's dashboard do not supersede each other", async () => {
    // `<token>#api` authenticates as an API token would (Identity.apiToken).
    t = await startHub({
      verifyToken: async (raw) => {
        const [tok = '', kind] = raw.split('#');
        const identity = await verifyTestToken(tok);
        return kind === 'api' ? { ...identity, apiToken: true } : identity;
      },
    });
    const dashboard = await TestClient.connect(t.url, {
      token: token('o', 'operator'),
      instanceId: 'browser',
    });
    const script = await TestClient.connect(t.url, {
      token: `${token('o', 'operator')}#api`,
      instanceId: 'cron',
    });
    const other = await TestClient.connect(t.url, {
      token: `${token('o', 'operator')}#api`,
      instanceId: 'ci',
    });
    await sleep(20);
    expect([dashboard, script, other].map((c) => c.client.closed)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    // A person's second device still supersedes the first (the per-user limit of 1) and
    // leaves the scripts be; a script reconnecting with its instance id replaces itself.
    await TestClient.connect(t.url, { token: token('o', 'operator'), instanceId: 'laptop' });
    expect((await dashboard.client.waitClosed()).code).toBe(CloseCode.SUPERSEDED);
    await TestClient.connect(t.url, {
      token: `${token('o', 'operator')}#api`,
      instanceId: 'cron',
    });
    expect((await script.client.waitClosed()).code).toBe(CloseCode.SUPERSEDED);
    expect(other.client.closed).toBeUndefined();
    expect(t.hub.connections()).toHaveLength(3);
  });
});

describe('hub: visibility', () => {
  it('zone-scoped users receive DNS events of their zones only', async () => {
    t = await startHub();
    const scoped = await TestClient.connect(t.url, {
      token: token('op', 'operator', ['example.com']),
      subscribe: ['dns'],
    });
    const admin = await TestClient.connect(t.url, {
      token: token('ad', 'admin'),
      subscribe: ['dns'],
    });
    await t.hub.publish('zone_created', { ...EXAMPLE_EVENTS.zone_created, zone: 'other.org' });
    await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    await admin.client.waitForEvents(2);
    const got = await scoped.client.waitForEvents(1);
    await sleep(50);
    expect(got.map((e) => e.data)).toEqual([EXAMPLE_EVENTS.zone_created]);
  });

  it('redacts per role and encodes each variant once for many sessions', async () => {
    t = await startHub();
    const viewers = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        TestClient.connect(t!.url, {
          token: token(`v${i}`, 'viewer'),
          subscribe: ['dns_query_log'],
        }),
      ),
    );
    const operators = await Promise.all(
      [1, 2, 3].map((i) =>
        TestClient.connect(t!.url, {
          token: token(`o${i}`, 'operator'),
          subscribe: ['dns_query_log'],
        }),
      ),
    );
    const before = await encodedCount(t);
    await t.hub.publish('dns_query_log', EXAMPLE_EVENTS.dns_query_log);
    for (const v of viewers) {
      const [e] = await v.client.waitForEvents(1);
      expect(e?.data).toMatchObject({
        clientIp: REDACTED,
        qname: EXAMPLE_EVENTS.dns_query_log.qname,
      });
      expect(e?.meta.redacted).toEqual(['clientIp', 'ecs']);
    }
    for (const o of operators) {
      const [e] = await o.client.waitForEvents(1);
      expect(e?.data).toEqual(EXAMPLE_EVENTS.dns_query_log);
      expect(e?.meta.redacted).toBeUndefined();
    }
    expect((await encodedCount(t)) - before).toBe(2);
  });

  it('admin-only events never reach viewers, even through a category or "*"', async () => {
    t = await startHub();
    const viewer = await TestClient.connect(t.url, {
      token: token('v', 'viewer'),
      subscribe: ['*'],
    });
    expect(viewer.welcome.subscriptions).not.toContain('user_login');
    await t.hub.publish('user_login', EXAMPLE_EVENTS.user_login);
    await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    const events = await viewer.client.waitForEvents(1);
    await sleep(50);
    expect(events.map((e) => e.event)).toEqual(['zone_created']);
  });
});

describe('hub: priorities and batching', () => {
  it('batches normal events and sends critical ones ahead of the queue', async () => {
    t = await startHub({ batchDelayMs: 200 });
    const { client } = await TestClient.connect(t.url, {
      token: token('a', 'admin'),
      subscribe: ['*'],
    });
    for (let i = 0; i < 5; i++)
      await t.hub.publish('record_updated', EXAMPLE_EVENTS.record_updated);
    await t.hub.publish('admin_broadcast', EXAMPLE_EVENTS.admin_broadcast);
    const first = await client.waitForEvents(1);
    expect(first.map((e) => e.event)).toEqual(['admin_broadcast']);
    const all = await client.waitForEvents(6);
    expect(all.slice(1).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const batches = client.frames.filter((f) => f.type === 'batch');
    expect(batches).toHaveLength(2);
    // The critical event left first, while seq 1..5 were queued: its watermark stays below them.
    expect(batches[0]).toMatchObject({ through: 0 });
    expect(batches[1]).toMatchObject({ through: 6 });
  });
});

async function encodedCount(h: TestHub): Promise<number> {
  const metric = await h.registry.getSingleMetric('hdns_events_encoded_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

describe('hub: wire format', () => {
  it('sends every frame as a text frame (browsers get strings, not Blobs)', async () => {
    t = await startHub();
    const { client } = await TestClient.connect(t.url, {
      token: token('a', 'admin'),
      subscribe: ['dns'],
    });
    const binaryFlags: boolean[] = [];
    client.ws.on('message', (_data, isBinary) => binaryFlags.push(isBinary));
    await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    await client.request({ type: 'ping' }, 'pong');
    await client.waitForEvents(1);
    expect(binaryFlags.length).toBeGreaterThanOrEqual(2);
    expect(binaryFlags.every((b) => !b)).toBe(true);
  });
});
