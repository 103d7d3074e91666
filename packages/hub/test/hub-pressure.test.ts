import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, EXAMPLE_EVENTS } from '@hdns/protocol';
import {
  rawConnect,
  rawHello,
  rawSend,
  sleep,
  startHub,
  TestClient,
  token,
  type TestHub,
} from '@hdns/testkit';

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const bigRecord = {
  ...EXAMPLE_EVENTS.record_updated,
  after: { ...EXAMPLE_EVENTS.record_updated.after, type: 'TXT', value: 'x'.repeat(900) },
};

async function metric(h: TestHub, name: string): Promise<number> {
  const m = await h.registry.getSingleMetric(name)?.get();
  return (m?.values ?? []).reduce((n, v) => n + v.value, 0);
}

describe('hub: backpressure', () => {
  it('closes a client that stops reading, keeps memory bounded and others unaffected', async () => {
    const hardBytes = 256 * 1024;
    t = await startHub({ outbound: { softBytes: 64 * 1024, hardBytes } });
    const stuck = await rawConnect(t.url);
    rawHello(stuck, { token: token('slow', 'admin'), subscribe: ['dns'] });
    const healthy = await TestClient.connect(t.url, {
      token: token('fast', 'admin'),
      subscribe: ['dns'],
    });
    await sleep(50);
    stuck.pause();

    const total = 15_000;
    let maxBuffered = 0;
    for (let i = 0; i < total; i++) {
      await t.hub.publish('record_updated', bigRecord);
      if (i % 20 === 0) {
        maxBuffered = Math.max(maxBuffered, t.hub.localStats().bufferedBytes);
        await new Promise((r) => setImmediate(r));
      }
    }
    const events = await healthy.client.waitForEvents(total, 60_000);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(healthy.client.closed).toBeUndefined();

    expect(await metric(t, 'hdns_ws_slow_consumer_closes_total')).toBe(1);
    expect(t.hub.connections().map((c) => c.userId)).toEqual(['fast']);
    // Bounded: the stuck session never held more than its hard bound plus one batch.
    expect(maxBuffered).toBeLessThan(2 * hardBytes + 64 * 1024);
    stuck.destroy();
  }, 90_000);

  it('coalesces latest-value events and sheds low ones under pressure, telling the client', async () => {
    t = await startHub({
      outbound: { softBytes: 4 * 1024, hardBytes: 10 * 1024 * 1024 },
      batchDelayMs: 50,
    });
    const { client } = await TestClient.connect(t.url, {
      token: token('a', 'admin'),
      subscribe: ['health_update', 'dns_query_log'],
    });
    // Published in one go: the queue passes the soft bound before the batch timer fires.
    for (let i = 0; i < 100; i++) {
      await t.hub.publish('health_update', EXAMPLE_EVENTS.health_update);
      await t.hub.publish('dns_query_log', EXAMPLE_EVENTS.dns_query_log);
    }
    await client.waitFor(() => (client.through >= 200 ? true : undefined));
    const gaps = client.frames.filter((f) => f.type === 'gap');
    const lost = gaps.reduce((n, g) => n + (g.type === 'gap' ? g.count : 0), 0);
    expect(gaps.some((g) => g.type === 'gap' && g.reason === 'coalesced')).toBe(true);
    expect(gaps.some((g) => g.type === 'gap' && g.reason === 'shed')).toBe(true);
    // Every event is either delivered or reported lost, exactly once.
    expect(client.events.length + lost).toBe(200);
    const healthSeqs = client.events.filter((e) => e.event === 'health_update').map((e) => e.seq);
    expect(healthSeqs).toContain(199); // the newest value always survives
  });
});

describe('hub: inbound abuse', () => {
  it('answers an oversize frame with FRAME_TOO_LARGE, then closes FRAME_TOO_LARGE at the first', async () => {
    t = await startHub({ session: { maxFrameBytes: 1024 } });
    const { client } = await TestClient.connect(t.url, { token: token('a', 'viewer') });
    client.send({ type: 'ping', id: 'p', pad: 'x'.repeat(5000) });
    expect(await client.next('error')).toMatchObject({ code: 'FRAME_TOO_LARGE' });
    expect((await client.waitClosed()).code).toBe(CloseCode.FRAME_TOO_LARGE);
    expect(client.frames.some((f) => f.type === 'pong')).toBe(false);
  });

  it('rejects malformed frames with stable codes, then closes on repeated violations', async () => {
    t = await startHub({ session: { maxViolations: 3 } });
    const { client } = await TestClient.connect(t.url, { token: token('a', 'viewer') });
    client.send('{not json');
    client.send({ type: 'subscribe', id: 'q', items: 'dns' });
    client.send({ type: 'teleport', id: 'z' });
    const errors = await client.waitFor(() => {
      const e = client.frames.filter((f) => f.type === 'error');
      return e.length >= 3 ? e : undefined;
    });
    expect(errors.map((e) => (e.type === 'error' ? e.code : ''))).toEqual([
      'BAD_JSON',
      'BAD_FRAME',
      'UNKNOWN_FRAME_TYPE',
    ]);
    expect(errors[1]).toMatchObject({ id: 'q' });
    expect((await client.waitClosed()).code).toBe(CloseCode.PROTOCOL_VIOLATION);
  });

  it('rate-limits a flood with errors, then closes on sustained abuse; others are unaffected', async () => {
    t = await startHub({ session: { ratePerSec: 10, burst: 10, maxRejectedPer10s: 100 } });
    const flooder = await TestClient.connect(t.url, { token: token('f', 'viewer') });
    const bystander = await TestClient.connect(t.url, {
      token: token('b', 'viewer'),
      subscribe: ['dns'],
    });
    for (let i = 0; i < 500; i++) flooder.client.send({ type: 'ping', id: `p${i}` });
    expect((await flooder.client.waitClosed()).code).toBe(CloseCode.RATE_LIMITED);
    const limited = flooder.client.frames.filter(
      (f) => f.type === 'error' && f.code === 'RATE_LIMITED',
    );
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeLessThan(5); // at most one error reply per second
    await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    expect((await bystander.client.waitForEvents(1))[0]?.event).toBe('zone_created');
  });
});

describe('hub: heartbeat and tokens', () => {
  it('pings on an interval and closes a silent peer within two intervals', async () => {
    t = await startHub({ session: { heartbeatMs: 150 } });
    const stuck = await rawConnect(t.url);
    rawSend(
      stuck,
      JSON.stringify({ type: 'hello', id: 'h', protocol: 1, token: token('quiet', 'viewer') }),
    );
    const alive = await TestClient.connect(t.url, { token: token('alive', 'viewer') });
    alive.client.ws.on('message', (d: Buffer) => {
      if (d.toString().includes('"type":"ping"')) alive.client.send({ type: 'pong' });
    });
    await alive.client.next('ping');
    const started = Date.now();
    await alive.client.waitFor(() => (t!.hub.connections().length === 1 ? true : undefined), 2_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(t.hub.connections()[0]?.userId).toBe('alive');
    stuck.destroy();
  });

  it('warns before expiry, accepts an in-band refresh, and closes TOKEN_EXPIRED without one', async () => {
    t = await startHub({ session: { tokenWarnMs: 300 } });
    const admin = await TestClient.connect(t.url, {
      token: token('adm', 'admin'),
      subscribe: ['session_expired'],
    });
    const refresher = await TestClient.connect(t.url, { token: token('r', 'viewer', null, 600) });
    const lapser = await TestClient.connect(t.url, { token: token('l', 'viewer', null, 600) });
    await refresher.client.next('token_expiring');
    const authed = await refresher.client.request(
      { type: 'auth', token: token('r', 'viewer') },
      'authed',
    );
    expect(Date.parse(authed.tokenExpiresAt)).toBeGreaterThan(Date.now() + 60_000);
    await lapser.client.next('token_expiring');
    expect((await lapser.client.waitClosed()).code).toBe(CloseCode.TOKEN_EXPIRED);
    const [expired] = await admin.client.waitForEvents(1);
    expect(expired).toMatchObject({
      event: 'session_expired',
      data: { userId: 'l', reason: 'expired' },
    });
    await sleep(400);
    expect(refresher.client.closed).toBeUndefined();
    // A refresh token of another user is refused.
    const wrong = await refresher.client.request(
      { type: 'auth', token: token('someone-else', 'admin') },
      'error',
    );
    expect(wrong.code).toBe('TOKEN_USER_MISMATCH');
  });
});
