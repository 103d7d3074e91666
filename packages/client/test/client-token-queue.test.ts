/**
 * Against a real hub: in-band token refresh with short-lived tokens (no reconnect), driven by
 * the client's own timer and, when that timer would be too late, by the server's
 * `token_expiring` warning alone; the failure path (refresh fails → server closes TOKEN_EXPIRED
 * → reconnect with a fresh token, nothing lost), and the offline queue flushing after a
 * reconnect.
 */
import { CloseCode, EXAMPLE_EVENTS } from '@hdns/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemoryEventLog } from '../../hub/src/index.js';
import { sleep, token, waitFor } from '@hdns/testkit';
import { createHub, serve, type Served } from './support/hub-server.js';
import { nodeClient } from './support/node-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(options: Parameters<typeof createHub>[1] = {}): Promise<Served> {
  const served = await serve(createHub(new MemoryEventLog(), options));
  cleanups.push(() => served.stop());
  return served;
}

describe('client against a real hub: tokens', () => {
  it('refreshes 1.5 s tokens in-band for 5 s without reconnecting or losing events', async () => {
    const { url, hub } = await start({ session: { tokenWarnMs: 500 } });
    let issued = 0;
    const c = nodeClient({
      url,
      getToken: () => {
        issued++;
        return token('t1', 'admin', null, 1_500);
      },
      subscriptions: ['zone_updated'],
    });
    cleanups.push(() => c.client.disconnect());
    const refreshed: string[] = [];
    c.client.onSignal('token_refreshed', (r) => refreshed.push(r.expiresAt));
    const seen: number[] = [];
    c.client.on('zone_updated', (e) => seen.push(e.seq));
    c.client.connect();
    await c.client.ready(5_000);
    for (let i = 0; i < 50; i++) {
      await hub.publish('zone_updated', EXAMPLE_EVENTS.zone_updated);
      await sleep(100);
    }
    await waitFor(() => seen.length === 50, 5_000, 'all events');
    expect(c.opens()).toBe(1);
    expect(c.states.map((s) => s.state)).toEqual(['connecting', 'open']);
    expect(refreshed.length).toBeGreaterThanOrEqual(3); // 5 s of 1.5 s tokens
    expect(issued).toBe(1 + refreshed.length);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  }, 15_000);

  it("refreshes on the server's token_expiring warning when its own timer would be too late", async () => {
    const lifetimeMs = 2_000;
    const { url, hub } = await start({ session: { tokenWarnMs: 1_000 } });
    // Every socket the client opens, and the time each token_expiring warning arrived.
    let sockets = 0;
    const warnings: number[] = [];
    class RecordingSocket extends WebSocket {
      constructor(address: string) {
        super(address);
        sockets++;
        this.on('message', (raw: Buffer) => {
          const frame = JSON.parse(raw.toString()) as { type?: string };
          if (frame.type === 'token_expiring') warnings.push(Date.now());
        });
      }
    }
    // For each getToken(): when it was called and when the token then in use expired.
    const calls: { at: number; previousExpiry: number | undefined }[] = [];
    let currentExpiry: number | undefined;
    const c = nodeClient({
      url,
      WebSocket: RecordingSocket,
      // Its own refresh would fall due at the very moment of expiry, when the server closes
      // TOKEN_EXPIRED: only the warning can keep this connection alive.
      tokenRefreshAt: 1,
      getToken: () => {
        const at = Date.now();
        calls.push({ at, previousExpiry: currentExpiry });
        currentExpiry = at + lifetimeMs;
        return token('t3', 'admin', null, lifetimeMs);
      },
      subscriptions: ['zone_updated'],
    });
    cleanups.push(() => c.client.disconnect());
    const refreshed: string[] = [];
    c.client.onSignal('token_refreshed', (r) => refreshed.push(r.expiresAt));
    const seen: number[] = [];
    c.client.on('zone_updated', (e) => seen.push(e.seq));
    c.client.connect();
    await c.client.ready(5_000);
    const firstExpiry = currentExpiry ?? 0;

    // Publish until two refreshes have happened and some events went out after the first
    // token's expiry; stop early on a reconnect (the assertions below then say what failed).
    const publishedAt: number[] = [];
    const deadline = firstExpiry + 4 * lifetimeMs;
    const more = () => refreshed.length < 2 || (publishedAt.at(-1) ?? 0) <= firstExpiry + 500;
    while (more() && sockets === 1 && Date.now() < deadline) {
      await hub.publish('zone_updated', EXAMPLE_EVENTS.zone_updated);
      publishedAt.push(Date.now());
      await sleep(100);
    }
    await waitFor(() => seen.length === publishedAt.length, 5_000, 'all events');

    expect(sockets).toBe(1);
    expect(refreshed.length).toBeGreaterThanOrEqual(2);
    expect(c.opens()).toBe(1);
    expect(c.states.map((s) => s.state)).toEqual(['connecting', 'open']);
    expect(seen).toEqual(publishedAt.map((_, i) => i + 1));
    expect(publishedAt.filter((t) => t > firstExpiry).length).toBeGreaterThan(0);
    // The hello token, then one getToken() per refresh, each answering a warning that arrived
    // since the previous call and made while the token in use was still valid.
    expect(calls.length).toBe(1 + refreshed.length);
    for (let i = 1; i < calls.length; i++) {
      const call = calls[i];
      const previous = calls[i - 1];
      if (!call || !previous) throw new Error('unreachable');
      expect(warnings.some((w) => w > previous.at && w <= call.at)).toBe(true);
      expect(call.at).toBeLessThan(call.previousExpiry ?? 0);
    }
    console.info(
      `token_expiring refresh: ${refreshed.length} refreshes, ${warnings.length} warnings, ` +
        `${seen.length} events, last ${(publishedAt.at(-1) ?? 0) - firstExpiry} ms after the first expiry`,
    );
  }, 15_000);

  it('when a refresh fails, reconnects after TOKEN_EXPIRED with a fresh token and resumes', async () => {
    const { url, hub } = await start({ session: { tokenWarnMs: 300 } });
    const expected = async () =>
      (await hub.log.query({ types: ['zone_updated'] })).map((e) => e.seq);
    let calls = 0;
    const c = nodeClient({
      url,
      getToken: () => {
        calls++;
        if (calls === 2) return Promise.reject(new Error('identity provider down'));
        return token('t2', 'admin', null, calls === 1 ? 800 : 3_600_000);
      },
      subscriptions: ['zone_updated'],
    });
    cleanups.push(() => c.client.disconnect());
    const failures: unknown[] = [];
    c.client.onSignal('token_refresh_failed', (f) => failures.push(f.error));
    const seen: number[] = [];
    c.client.on('zone_updated', (e) => seen.push(e.seq));
    c.client.connect();
    await c.client.ready(5_000);
    for (let i = 0; i < 30; i++) {
      await hub.publish('zone_updated', EXAMPLE_EVENTS.zone_updated);
      await sleep(50);
    }
    await waitFor(() => c.opens() === 2 && seen.length === 30, 5_000, 'reconnected, all events');
    expect(failures).toHaveLength(1);
    expect(c.states).toContainEqual(
      expect.objectContaining({
        state: 'reconnecting',
        reason: 'token_expired',
        code: CloseCode.TOKEN_EXPIRED,
      }),
    );
    expect(calls).toBe(3);
    // The hub logs a session_expired event at expiry, so zone_updated seqs have a hole there.
    expect(seen).toEqual(await expected());
  }, 15_000);
});

describe('client against a real hub: offline queue', () => {
  it('queues subscribe and ack while the server is down and flushes them on reconnect', async () => {
    const log = new MemoryEventLog();
    let served = await serve(createHub(log));
    cleanups.push(() => served.stop());
    const c = nodeClient({
      url: served.url,
      getToken: () => token('q', 'admin'),
      subscriptions: ['zone_created'],
      offlineQueueSize: 3,
    });
    cleanups.push(() => c.client.disconnect());
    const health: number[] = [];
    c.client.on('health_update', (e) => health.push(e.seq));
    c.client.connect();
    await c.client.ready(5_000);
    await served.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    await waitFor(() => c.client.position?.seq === 1, 5_000, 'position 1');

    const port = served.port;
    await served.stop();
    await waitFor(() => c.client.state.state === 'reconnecting', 5_000, 'reconnecting');
    // Four requests into a queue of three: the oldest is dropped and fails.
    const dropped = c.client.unsubscribe(['zone_created']);
    const sub = c.client.subscribe(['health_update']);
    const ack = c.client.ack();
    const sub2 = c.client.subscribe(['system']);
    await expect(dropped).rejects.toMatchObject({ code: 'QUEUE_OVERFLOW' });
    expect(c.warnings).toContain('offline queue full: dropped the oldest frame');
    expect(c.client.state.state).toBe('reconnecting');

    served = await serve(createHub(log), port);
    const result = await sub;
    expect(result.subscriptions).toContain('health_update');
    expect(result.subscriptions).toContain('zone_created'); // the unsubscribe was dropped
    expect((await sub2).subscriptions).toContain('system_status');
    expect(await ack).toEqual({ count: 0 });
    await served.hub.publish('health_update', EXAMPLE_EVENTS.health_update);
    await waitFor(() => health.length === 1, 5_000, 'health_update after the flush');
    expect(health).toEqual([2]);
  });
});
