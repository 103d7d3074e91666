import { once } from 'node:events';
import type { Socket } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EXAMPLE_EVENTS, parseServerFrame, type ServerFrame } from '@hdns/protocol';
import { MemoryEventLog, type HubOptions } from '@hdns/hub';
import {
  createTestHub,
  rawConnect,
  RawFrameReader,
  rawHello,
  rawSend as rawSendText,
  serveHub,
  TestClient,
  token,
  waitFor,
  type ServedHub,
} from '@hdns/testkit';

/**
 * permessage-deflate as the app mounts it (ws-compression.ts): negotiated per client, frames
 * ≥ the threshold compressed, smaller ones plain. Seen from `ws` clients (what they negotiate and
 * decode) and from raw sockets (the RSV1 bit of each frame as it crossed the wire).
 */

const THRESHOLD = 4096;
const log = new MemoryEventLog();
let served: ServedHub | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await served?.stop();
  served = undefined;
});

/** A record update of ~1 KB (a TXT value changed), numbered so every event differs. */
function recordUpdate(i: number) {
  const ex = EXAMPLE_EVENTS.record_updated;
  const value = `v=DKIM1; k=rsa; p=${String(i).padStart(8, '0')}${'MIIBIjANBgkqhkiG9w0B'.repeat(20)}`;
  return {
    ...ex,
    recordId: `rec_${i}`,
    before: { ...ex.before, id: `rec_${i}`, type: 'TXT', value, version: i },
    after: { ...ex.after, id: `rec_${i}`, type: 'TXT', value: `${value}x`, version: i + 1 },
  };
}

/** Serves a fresh hub over `log` (shared, so positions keep growing across tests). */
async function serve(
  options: Partial<HubOptions> = {},
): Promise<{ hub: ServedHub; serverSockets: WebSocket[] }> {
  const serverSockets: WebSocket[] = [];
  served = await serveHub(createTestHub(log, options), {
    compression: { threshold: THRESHOLD },
    route: (socket) => {
      serverSockets.push(socket);
      return false;
    },
  });
  return { hub: served, serverSockets };
}

/** Publishes `n` record updates after `position`; returns the new head. */
async function backlog(hub: ServedHub, n: number): Promise<number> {
  let head = 0;
  for (let i = 0; i < n; i++) head = (await hub.hub.publish('record_updated', recordUpdate(i))).seq;
  return head;
}

async function readReplay(client: TestClient, head: number): Promise<void> {
  await client.waitFor(() => (client.through >= head || client.closed ? true : undefined), 15_000);
  expect(client.closed).toBeUndefined();
}

const tok = token('deflate', 'admin');
const subscribe = ['record_updated'];

describe('hub: permessage-deflate', () => {
  it('a client that offers it negotiates it without context takeover and reads a large replay', async () => {
    const { hub, serverSockets } = await serve();
    const first = await TestClient.connect(hub.url, { token: tok, subscribe });
    const position = first.welcome.position;
    first.client.close();
    const head = await backlog(hub, 400);

    // `ws` offers permessage-deflate by default, as browsers do.
    const again = await TestClient.connect(hub.url, { token: tok, subscribe, resume: position });
    expect(again.client.ws.extensions).toBe('permessage-deflate');
    expect(serverSockets.at(-1)?.extensions).toContain('permessage-deflate');
    await readReplay(again.client, head);
    expect(again.client.events.map((e) => e.seq)).toEqual(
      Array.from({ length: 400 }, (_, i) => position.seq + 1 + i),
    );
    expect(again.client.events[399]?.data).toEqual(recordUpdate(399));
    again.client.close();
  });

  it('a client that does not offer it gets plain frames and the same replay', async () => {
    const { hub, serverSockets } = await serve();
    const start = (await hub.hub.publish('record_updated', recordUpdate(9999))).seq;
    const head = await backlog(hub, 200);
    const ws = new WebSocket(hub.url, { perMessageDeflate: false });
    await once(ws, 'open');
    const client = TestClient.wrap(ws);
    client.send({
      type: 'hello',
      id: 'h1',
      protocol: 1,
      token: tok,
      subscribe,
      resume: { epoch: log.epoch, seq: start },
    });
    const welcome = await client.next('welcome');
    expect(welcome.resume).toEqual({ requested: true, ok: true, replayed: 200 });
    expect(ws.extensions).toBe('');
    expect(serverSockets.at(-1)?.extensions).toBe('');
    await readReplay(client, head);
    expect(client.events.map((e) => e.seq)).toEqual(
      Array.from({ length: 200 }, (_, i) => start + 1 + i),
    );
    ws.close();
  });

  it('compresses frames at or over the threshold only, as seen on the wire', async () => {
    const { hub } = await serve();
    const start = (await hub.hub.publish('record_updated', recordUpdate(9999))).seq;
    const head = await backlog(hub, 50);
    let response = '';
    // A Firefox-style offer (no client_max_window_bits): accepted, not refused.
    const socket = await rawConnect(hub.url, {
      extensions: 'permessage-deflate',
      onHead: (h) => (response = h),
    });
    sockets.push(socket);
    const accepted = /^Sec-WebSocket-Extensions: (.*)$/im.exec(response)?.[1] ?? '';
    expect(accepted.split(/;\s*/).sort()).toEqual([
      'client_no_context_takeover',
      'permessage-deflate',
      'server_max_window_bits=11',
      'server_no_context_takeover',
    ]);
    const reader = new RawFrameReader(socket);
    rawHello(socket, { token: tok, subscribe });
    const parsed = (): ServerFrame[] =>
      reader.dataFrames.map((f) => {
        const p = parseServerFrame(f.text());
        if (!p.ok) throw new Error(p.message);
        return p.frame;
      });
    await waitFor(() => parsed().some((f) => f.type === 'welcome'));
    // Live from the head: one small event alone in its frame.
    const liveSeq = (await hub.hub.publish('record_updated', recordUpdate(1000))).seq;
    await waitFor(() => parsed().some((f) => f.type === 'batch'));
    const welcome = reader.dataFrames[0];
    const live = reader.dataFrames[1];
    expect(welcome && welcome.payload.length < THRESHOLD && !welcome.rsv1).toBe(true);
    expect(live && live.payload.length < THRESHOLD && !live.rsv1).toBe(true);
    socket.destroy();

    // A replay of 50 events of ~1 KB: batch frames far over the threshold, each compressed.
    const again = await rawConnect(hub.url, { extensions: 'permessage-deflate' });
    sockets.push(again);
    const replay = new RawFrameReader(again);
    rawResume(again, { token: tok, subscribe, resume: { epoch: log.epoch, seq: start } });
    const batches = (): Extract<ServerFrame, { type: 'batch' }>[] =>
      replay.dataFrames.flatMap((f) => {
        const p = parseServerFrame(f.text());
        return p.ok && p.frame.type === 'batch' ? [p.frame] : [];
      });
    await waitFor(() => batches().some((b) => b.through >= liveSeq));
    const big = replay.dataFrames.filter((f) => f.text().length >= THRESHOLD);
    expect(big.length).toBeGreaterThan(0);
    for (const f of big) expect(f.rsv1).toBe(true);
    for (const f of replay.dataFrames.filter((f) => f.text().length < THRESHOLD)) {
      expect(f.rsv1).toBe(false);
    }
    const compressed = big.reduce((n, f) => n + f.payload.length, 0);
    const plain = big.reduce((n, f) => n + Buffer.byteLength(f.text()), 0);
    expect(compressed).toBeLessThan(plain);
    // The backlog and the live event of the first connection, each once and in order.
    expect(liveSeq).toBe(head + 1);
    expect(batches().flatMap((b) => b.events.map((e) => e.seq))).toEqual(
      Array.from({ length: 51 }, (_, i) => start + 1 + i),
    );
  });

  it('a raw client that offers nothing gets every frame plain, large ones too', async () => {
    const { hub } = await serve();
    const start = (await hub.hub.publish('record_updated', recordUpdate(9999))).seq;
    const head = await backlog(hub, 50);
    let response = '';
    const socket = await rawConnect(hub.url, { onHead: (h) => (response = h) });
    sockets.push(socket);
    expect(response).not.toMatch(/Sec-WebSocket-Extensions/i);
    const reader = new RawFrameReader(socket);
    rawResume(socket, { token: tok, subscribe, resume: { epoch: log.epoch, seq: start } });
    await waitFor(() =>
      reader.dataFrames.some((f) => {
        const p = parseServerFrame(f.text());
        return p.ok && p.frame.type === 'batch' && p.frame.through >= head;
      }),
    );
    expect(reader.dataFrames.some((f) => f.payload.length >= THRESHOLD)).toBe(true);
    expect(reader.dataFrames.every((f) => !f.rsv1)).toBe(true);
  });
});

describe('hub: the deflate budget', () => {
  /** Resumes over a raw socket offering the extension; the large batch frames' RSV1 bits. */
  async function resumeRaw(hub: ServedHub, user: string, start: number, head: number) {
    const socket = await rawConnect(hub.url, { extensions: 'permessage-deflate' });
    sockets.push(socket);
    const reader = new RawFrameReader(socket);
    const resume = { epoch: log.epoch, seq: start };
    rawResume(socket, { token: token(user, 'admin'), subscribe, resume });
    await waitFor(() =>
      reader.dataFrames.some((f) => {
        const p = parseServerFrame(f.text());
        return p.ok && p.frame.type === 'batch' && p.frame.through >= head;
      }),
    );
    const big = reader.dataFrames.filter((f) => f.text().length >= THRESHOLD);
    expect(big.length).toBeGreaterThan(0);
    return { socket, rsv1: [...new Set(big.map((f) => f.rsv1))] };
  }

  it('compresses for at most maxSockets sockets at once; a place frees when its socket closes', async () => {
    const registry = new Registry();
    const { hub } = await serve({
      metricsRegistry: registry,
      compression: { threshold: THRESHOLD, maxSockets: 1 },
    });
    const start = (await hub.hub.publish('record_updated', recordUpdate(9999))).seq;
    const head = await backlog(hub, 50);
    const gauge = async () =>
      (await registry.getSingleMetric('hdns_ws_deflate_sockets')?.get())?.values[0]?.value;

    const holder = await resumeRaw(hub, 'budget-1', start, head);
    expect(holder.rsv1).toEqual([true]);
    expect(await gauge()).toBe(1);
    // Past the budget: the same large frames go out plain, the extension still negotiated.
    // Another user (one connection per user: the same one would supersede the holder).
    const second = await resumeRaw(hub, 'budget-2', start, head);
    expect(second.rsv1).toEqual([false]);
    second.socket.destroy();

    holder.socket.destroy();
    await waitFor(async () => (await gauge()) === 0, 5_000, 'the place to be freed');
    const third = await resumeRaw(hub, 'budget-3', start, head);
    expect(third.rsv1).toEqual([true]);
  });
});

/** A hello with a resume position, over a raw socket. */
function rawResume(
  socket: Socket,
  hello: { token: string; subscribe: string[]; resume: { epoch: string; seq: number } },
): void {
  rawSendText(socket, JSON.stringify({ type: 'hello', id: 'h', protocol: 1, ...hello }));
}
