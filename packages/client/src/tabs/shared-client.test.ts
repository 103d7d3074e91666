/**
 * SharedRealtimeClient with in-memory BroadcastChannel and Web Locks (test/fixtures/tab-fakes)
 * and a real hub over real `ws` sockets: one connection for all tabs, the union of their
 * subscriptions, follower requests, and handovers (lock and heartbeat election) that lose
 * nothing and deliver nothing twice per tab.
 */
import { EXAMPLE_EVENTS, type EventType } from '@hdns/protocol';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryEventLog } from '../../../hub/src/index.js';
import { FakeBroadcast, FakeLocks, memoryStorage } from '../../test/fixtures/tab-fakes.js';
import { sleep, token, waitFor } from '@hdns/testkit';
import { createHub, serve, type Served } from '../../test/support/hub-server.js';
import { recordingLogger } from '../../test/support/recording-logger.js';
import { SharedRealtimeClient } from './shared-client.js';

let server: Served | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await server?.stop();
  server = undefined;
});

interface Tab {
  client: SharedRealtimeClient;
  seqs: number[];
  types: string[];
  /** The tab dies without a word: channel silent, locks released, socket gone. */
  crash(): void;
}

function browser(url: string, useLocks = true) {
  const bus = new FakeBroadcast();
  const locks = new FakeLocks();
  const storage = memoryStorage();
  const open = (subscriptions?: string[]): Tab => {
    const ch = bus.tab();
    const lk = locks.tab();
    const client = new SharedRealtimeClient({
      url,
      getToken: () => token('u1', 'admin'),
      WebSocket,
      userKey: 'u1',
      channelFactory: ch.factory,
      locks: useLocks ? lk.locks : false,
      storage,
      pageEvents: false,
      network: false,
      heartbeatMs: 40,
      tabTimeoutMs: 250,
      claimWaitMs: 60,
      reconnect: { baseMs: 20, capMs: 200 },
      logger: recordingLogger(),
      ...(subscriptions ? { subscriptions } : {}),
    });
    const seqs: number[] = [];
    const types: string[] = [];
    client.on('*', (e) => {
      seqs.push(e.seq);
      types.push(e.event);
    });
    client.connect();
    cleanups.push(() => client.disconnect());
    return {
      client,
      seqs,
      types,
      crash: () => {
        ch.crash();
        lk.crash();
        client.disconnect(); // its goodbye goes nowhere; the socket closes as the page dies
      },
    };
  };
  return { open, bus, storage };
}

async function start() {
  server = await serve(createHub(new MemoryEventLog()));
  return server;
}

const publish = (s: Served, type: EventType) => s.hub.publish(type, EXAMPLE_EVENTS[type]);
const leaders = (tabs: Tab[]) => tabs.filter((t) => t.client.role === 'leader');
const allOpen = (tabs: Tab[]) => tabs.every((t) => t.client.state.state === 'open');

describe('SharedRealtimeClient (fake channel and locks, real hub)', () => {
  it('three tabs share one connection and each sees only what it asked for', async () => {
    const s = await start();
    const b = browser(s.url);
    const a = b.open(['zone_created']);
    const tabs = [a, b.open(['dns']), b.open(['health_update'])];
    await waitFor(() => allOpen(tabs) && s.hub.connections().length === 1, 5_000, 'open');
    await sleep(150); // heartbeats carry the followers' items to the leader
    expect(leaders(tabs)).toEqual([a]);
    expect(new Set(tabs.map((t) => t.client.instanceId)).size).toBe(1);
    expect(s.hub.connections()[0]?.subscriptions.sort()).toEqual(
      expect.arrayContaining(['zone_created', 'record_created', 'health_update']),
    );

    await publish(s, 'zone_created');
    await publish(s, 'health_update');
    await publish(s, 'record_created');
    await waitFor(() => tabs[1]!.seqs.length === 2 && tabs[2]!.seqs.length === 1, 5_000, 'events');
    await sleep(50);
    expect(a.types).toEqual(['zone_created']);
    expect(tabs[1]!.types).toEqual(['zone_created', 'record_created']);
    expect(tabs[2]!.types).toEqual(['health_update']);
    expect(s.hub.connections()).toHaveLength(1);
  });

  it('a handler added before connect() is subscribed on connect, without a failed request', async () => {
    const s = await start();
    const logger = recordingLogger();
    const ch = new FakeBroadcast().tab();
    const client = new SharedRealtimeClient({
      url: s.url,
      getToken: () => token('u1', 'admin'),
      WebSocket,
      userKey: 'u1',
      channelFactory: ch.factory,
      locks: new FakeLocks().tab().locks,
      storage: memoryStorage(),
      pageEvents: false,
      network: false,
      logger,
    });
    cleanups.push(() => client.disconnect());
    const seen: string[] = [];
    client.subscribe('zone_created', (e) => void seen.push(e.event));
    client.connect();
    await waitFor(() => client.state.state === 'open', 5_000, 'open');
    expect(s.hub.connections()[0]?.subscriptions).toContain('zone_created');
    await publish(s, 'zone_created');
    await waitFor(() => seen.length === 1, 5_000, 'event');
    expect(logger.warnings).toEqual([]);
  });

  it('answers follower requests; the union is reference-counted per tab', async () => {
    const s = await start();
    const b = browser(s.url);
    const a = b.open(['zone_created']);
    const f = b.open(['zone_created']);
    await waitFor(() => allOpen([a, f]), 5_000, 'open');
    expect(f.client.role).toBe('follower');

    const added = await f.client.subscribe(['security', 'no_such_item']);
    expect(added.subscriptions).toEqual(
      expect.arrayContaining(['zone_created', 'threat_detected']),
    );
    expect(added.subscriptions).not.toContain('health_update');
    expect(added.rejected).toEqual([{ item: 'no_such_item', reason: 'unknown' }]);
    expect(s.hub.connections()[0]?.subscriptions).toContain('threat_detected');

    // The leader still holds zone_created: the server keeps it; security goes.
    const removed = await f.client.unsubscribe(['zone_created', 'security']);
    expect(removed.subscriptions).toEqual([]);
    expect(s.hub.connections()[0]?.subscriptions).toEqual(['zone_created']);

    await publish(s, 'zone_created');
    await waitFor(() => a.seqs.length === 1, 5_000, 'event');
    expect(await f.client.ack({ upToSeq: 1 })).toEqual({ count: 0 }); // the bare hub records no acks
    expect(f.seqs).toEqual([]); // it unsubscribed
  });

  it('hands over when the leader crashes: every event once, in order, one connection', async () => {
    const s = await start();
    const b = browser(s.url);
    const tabs = [b.open(['dns']), b.open(['dns']), b.open(['dns'])];
    await waitFor(() => allOpen(tabs), 5_000, 'open');
    for (let i = 0; i < 10; i++) await publish(s, 'zone_created');
    await waitFor(() => tabs.every((t) => t.seqs.length === 10), 5_000, 'first ten');

    tabs[0]!.crash();
    for (let i = 0; i < 10; i++) await publish(s, 'zone_created'); // during the takeover
    const rest = tabs.slice(1);
    await waitFor(() => leaders(rest).length === 1 && allOpen(rest), 5_000, 'new leader');
    for (let i = 0; i < 10; i++) await publish(s, 'record_created');

    const expected = Array.from({ length: 30 }, (_, i) => i + 1);
    await waitFor(() => rest.every((t) => t.seqs.length >= 30), 5_000, 'all events');
    await sleep(100);
    for (const t of rest) expect(t.seqs).toEqual(expected);
    expect(s.hub.connections()).toHaveLength(1);
  });

  it('drops the items of a tab that stops heartbeating', async () => {
    const s = await start();
    const b = browser(s.url);
    const a = b.open(['zone_created']);
    const f = b.open(['health_update']);
    await waitFor(() => allOpen([a, f]), 5_000, 'open');
    await waitFor(
      () => s.hub.connections()[0]?.subscriptions.includes('health_update') === true,
      5_000,
      'union',
    );
    f.crash();
    await waitFor(
      () => s.hub.connections()[0]?.subscriptions.includes('health_update') === false,
      5_000,
      'expired tab removed',
    );
    expect(s.hub.connections()[0]?.subscriptions).toEqual(['zone_created']);
  });

  it('falls back to the heartbeat election without Web Locks', async () => {
    const s = await start();
    const b = browser(s.url, false);
    const first = b.open(['dns']);
    await sleep(30);
    const second = b.open(['dns']);
    await waitFor(() => allOpen([first, second]), 5_000, 'open');
    expect(first.client.role).toBe('leader'); // the oldest tab leads
    expect(second.client.role).toBe('follower');
    await publish(s, 'zone_created');
    await waitFor(() => second.seqs.length === 1, 5_000, 'relayed');

    first.crash();
    await publish(s, 'zone_created');
    await waitFor(() => second.client.role === 'leader' && allOpen([second]), 5_000, 'takeover');
    await publish(s, 'zone_created');
    await waitFor(() => second.seqs.length === 3, 5_000, 'all events');
    await sleep(50);
    expect(second.seqs).toEqual([1, 2, 3]);
    expect(s.hub.connections()).toHaveLength(1);
  });

  it('a leader that leaves says goodbye; followers reconnect through the next leader', async () => {
    const s = await start();
    const b = browser(s.url);
    const a = b.open(['dns']);
    const f = b.open(['dns']);
    await waitFor(() => allOpen([a, f]), 5_000, 'open');
    const states: string[] = [];
    f.client.onState((st) => states.push(`${st.state}:${st.reason}`));
    a.client.disconnect();
    await waitFor(() => f.client.role === 'leader' && allOpen([f]), 5_000, 'takeover');
    // Never `closed`: the old leader stops relaying before it drops its socket.
    expect(states.some((st) => st.startsWith('closed'))).toBe(false);
    expect(states.at(-1)).toBe('open:welcome');
    expect(a.client.state.state).toBe('closed');
    await expect(a.client.subscribe(['security'])).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    expect(b.storage.data.size).toBe(1); // one stable instance id
  });
});
