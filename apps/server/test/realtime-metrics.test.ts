import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, EXAMPLE_EVENTS } from '@hdns/protocol';
import { TestClient, rawConnect, rawHello, sleep } from '@hdns/testkit';
import { startTestServer, type TestServer } from './helpers.js';
import { labelValues, metricValue, parseMetrics, type Sample } from './prometheus-text.js';

let server: TestServer | undefined;
const cleanup: (() => void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) f();
  await server?.close();
  server = undefined;
});

const SOFT_BYTES = 256 * 1024; // the hub's default soft bound, which the server keeps

/** A config_change of about 8 KiB: few publishes fill a stuck socket's kernel buffers. */
const bigChange = {
  scope: 'realtime',
  key: 'padding',
  before: 'b'.repeat(4000),
  after: 'a'.repeat(4000),
};

function openLegacy(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    cleanup.push(() => ws.terminate());
    ws.on('message', (d: Buffer) => {
      if ((JSON.parse(d.toString()) as { type: string }).type === 'connection_established')
        resolve(ws);
    });
    ws.on('error', reject);
  });
}

describe('/metrics after real traffic', () => {
  it('counts frames and bytes by type, batches, latency, queue depth, drops, auth failures and connections by generation', async () => {
    server = await startTestServer({ env: { HDNS_WS_MAX_PER_USER: '5' } });
    const s = server;
    const admin = await s.login();
    const ws = `${s.url.replace('http', 'ws')}/ws`;

    // Two authentication failures: a forged hello token, a bad bearer on the upgrade.
    const forged = await TestClient.open(ws);
    forged.send({ type: 'hello', id: 'h', protocol: 1, token: 'not-a-jwt' });
    expect((await forged.waitClosed()).code).toBe(CloseCode.AUTH_FAILED);
    const refused = await new Promise<number>((resolve) => {
      const w = new WebSocket(ws, { headers: { authorization: 'Bearer nope' } });
      w.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      w.on('error', () => undefined);
    });
    expect(refused).toBe(401);

    // A v1 client that reads, and one of each legacy generation.
    const { client } = await TestClient.connect(ws, {
      token: admin.accessToken,
      subscribe: ['dns'],
    });
    await client.request({ type: 'ping' }, 'pong');
    const base = s.url.replace('http', 'ws');
    await openLegacy(`${base}/ws/health/${admin.user.id}?token=${admin.accessToken}`);
    await openLegacy(`${base}/ws?token=${admin.accessToken}`);
    for (let i = 0; i < 30; i++) {
      const r = await s.api('/api/admin/events', {
        method: 'POST',
        token: admin.accessToken,
        body: { type: 'record_created' },
      });
      expect(r.status).toBe(201);
    }
    await client.waitForEvents(30);

    // A v1 client that stops reading: once the kernel buffers are full, its bytes in flight pass
    // the soft bound and the latest-value / low events queued behind them are coalesced / shed.
    const stuck = await rawConnect(ws);
    cleanup.push(() => stuck.destroy());
    rawHello(stuck, {
      token: admin.accessToken,
      subscribe: ['config_change', 'health_update', 'dns_query_log'],
      client: { name: 'stuck' },
    });
    const stuckInfo = () => s.app.hub.connections().find((c) => c.client === 'stuck');
    for (let tries = 0; !stuckInfo(); tries++) {
      if (tries > 500) throw new Error('the stuck client was never welcomed');
      await sleep(20);
    }
    stuck.pause();
    // Pressure builds as the kernel stops taking bytes; the scrape that shows it is the evidence.
    const scrape = async () => parseMetrics(await (await fetch(`${s.url}/metrics`)).text());
    let published = 0;
    let m: Sample[] = [];
    for (let round = 0; ; round++) {
      if (round > 20_000) throw new Error('the stuck session never came under pressure');
      const info = stuckInfo();
      if (!info) throw new Error('the stuck session was closed');
      if (info.bufferedBytes <= SOFT_BYTES + 64 * 1024) {
        await s.app.hub.publish('config_change', bigChange);
        published++;
        await new Promise((r) => setImmediate(r));
        continue;
      }
      for (let i = 0; i < 2; i++) {
        await s.app.hub.publish('health_update', EXAMPLE_EVENTS.health_update);
        await s.app.hub.publish('dns_query_log', EXAMPLE_EVENTS.dns_query_log);
      }
      m = await scrape();
      if (
        metricValue(m, 'hdns_ws_queue_depth') > 0 &&
        metricValue(m, 'hdns_ws_buffered_bytes') > SOFT_BYTES &&
        metricValue(m, 'hdns_ws_events_dropped_total', { reason: 'coalesced' }) > 0 &&
        metricValue(m, 'hdns_ws_events_dropped_total', { reason: 'shed' }) > 0
      )
        break;
    }
    const v = (name: string, labels?: Record<string, string>) => metricValue(m, name, labels);

    expect(v('hdns_ws_frames_in_total', { type: 'hello' })).toBe(3);
    expect(v('hdns_ws_frames_in_total', { type: 'ping' })).toBe(1);
    expect(v('hdns_ws_bytes_in_total', { type: 'hello' })).toBeGreaterThan(0);
    expect(v('hdns_ws_bytes_in_total', { type: 'ping' })).toBeGreaterThan(0);
    for (const type of ['welcome', 'batch', 'pong', 'error']) {
      expect(v('hdns_ws_frames_out_total', { type }), type).toBeGreaterThan(0);
      expect(v('hdns_ws_bytes_out_total', { type }), type).toBeGreaterThan(0);
    }
    expect(v('hdns_ws_bytes_out_total', { type: 'batch' })).toBeGreaterThan(
      v('hdns_ws_bytes_out_total', { type: 'pong' }),
    );

    const batches = v('hdns_ws_batch_events_count');
    expect(batches).toBeGreaterThan(0);
    expect(v('hdns_ws_batch_events_sum')).toBeGreaterThanOrEqual(30);
    expect(v('hdns_ws_batch_events_bucket', { le: '+Inf' })).toBe(batches);
    const writes = v('hdns_publish_to_write_seconds_count');
    expect(writes).toBe(batches);
    expect(v('hdns_publish_to_write_seconds_bucket', { le: '+Inf' })).toBe(writes);
    expect(v('hdns_publish_to_write_seconds_sum')).toBeGreaterThan(0);

    // The loop above ended on a scrape with queue depth, buffered bytes and both drop reasons
    // non-zero; the drops it shows are exactly the events the sessions lost (the stuck one, and
    // possibly the legacy socket that shares this test's event loop and takes every type).
    expect(stuckInfo()?.eventsLost).toBeGreaterThan(0);
    expect(
      v('hdns_ws_events_dropped_total', { reason: 'coalesced' }) +
        v('hdns_ws_events_dropped_total', { reason: 'shed' }),
    ).toBe(s.app.hub.connections().reduce((n, c) => n + c.eventsLost, 0));

    expect(v('hdns_ws_auth_failures_total', { reason: 'AUTH_FAILED' })).toBe(2);
    expect(labelValues(m, 'hdns_ws_connections', 'protocol')).toEqual(['legacy1', 'legacy2', 'v1']);
    expect(v('hdns_ws_connections', { protocol: 'v1' })).toBe(2);
    expect(v('hdns_ws_connections', { protocol: 'legacy1' })).toBe(1);
    expect(v('hdns_ws_connections', { protocol: 'legacy2' })).toBe(1);
    expect(v('hdns_events_published_total', { type: 'config_change' })).toBe(published);
  }, 60_000);
});
