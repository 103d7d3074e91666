import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONTROL_ACCEPT,
  CONTROL_FINISH,
  CONTROL_READY,
  CONTROL_START,
  CONTROL_STOP,
  FrameStreamReader,
  encodeControlFrame,
  encodeDataFrame,
  type ControlFrame,
} from './frame-stream-reader.js';
import {
  DNSTAP_CONTENT_TYPE,
  FrameStreamSession,
  type SessionEnd,
} from './frame-stream-session.js';

/** A writer playing named's side over a real unix socket, against a real session. */
async function pair() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-fs-'));
  const sock = path.join(dir, 's');
  const frames: Buffer[] = [];
  let session: FrameStreamSession | null = null;
  let resolveEnd: (e: SessionEnd) => void = () => undefined;
  const ended = new Promise<SessionEnd>((r) => (resolveEnd = r));
  const server = net.createServer((s) => {
    session = new FrameStreamSession(s, {
      onFrame: (f) => frames.push(Buffer.from(f)),
      onEnd: resolveEnd,
    });
  });
  await new Promise<void>((r) => server.listen(sock, () => r()));
  const client = net.connect(sock);
  await new Promise<void>((r) => client.once('connect', () => r()));
  const received: ControlFrame[] = [];
  const reader = new FrameStreamReader({
    onData: () => undefined,
    onControl: (f) => received.push(f),
    onError: () => undefined,
  });
  client.on('data', (b: Buffer) => reader.push(b));
  let clientClosed = false;
  client.on('close', () => (clientClosed = true));
  client.on('error', () => undefined);
  const waitUntil = async (cond: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    if (!cond()) throw new Error('condition not reached');
  };
  return {
    client,
    frames,
    received,
    ended,
    waitUntil,
    isClosed: () => clientClosed,
    session: () => session,
    close: async () => {
      client.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

describe('FrameStreamSession', () => {
  it('runs the handshake named runs: READY → ACCEPT, START, data, STOP → FINISH', async () => {
    const p = await pair();
    cleanup = p.close;
    p.client.write(encodeControlFrame(CONTROL_READY, [DNSTAP_CONTENT_TYPE]));
    await p.waitUntil(() => p.received.length === 1);
    expect(p.received[0]).toEqual({ type: CONTROL_ACCEPT, contentTypes: [DNSTAP_CONTENT_TYPE] });
    expect(p.session()?.state).toBe('awaiting-start');
    p.client.write(
      Buffer.concat([
        encodeControlFrame(CONTROL_START, [DNSTAP_CONTENT_TYPE]),
        encodeDataFrame(Buffer.from('one')),
        encodeDataFrame(Buffer.from('two')),
        encodeControlFrame(CONTROL_STOP),
      ]),
    );
    await p.waitUntil(() => p.received.length === 2);
    expect(p.received[1]).toEqual({ type: CONTROL_FINISH, contentTypes: [] });
    expect(p.frames.map(String)).toEqual(['one', 'two']);
    const end = await p.ended;
    expect(end).toEqual({ reason: 'finished', sawStop: true, frames: 2 });
    expect(p.session()?.state).toBe('finished');
  });

  it('closes a writer that offers another content type', async () => {
    const p = await pair();
    cleanup = p.close;
    p.client.write(encodeControlFrame(CONTROL_READY, ['protobuf:other']));
    const end = await p.ended;
    expect(end.reason).toBe('READY without the dnstap content type');
    await p.waitUntil(p.isClosed);
    expect(p.received).toEqual([]);
  });

  it('closes on data before START and on an unexpected control frame', async () => {
    const early = await pair();
    early.client.write(encodeControlFrame(CONTROL_READY, [DNSTAP_CONTENT_TYPE]));
    early.client.write(encodeDataFrame(Buffer.from('x')));
    expect((await early.ended).reason).toBe('data frame in state awaiting-start');
    expect(early.frames).toEqual([]);
    await early.close();

    const p = await pair();
    cleanup = p.close;
    p.client.write(encodeControlFrame(CONTROL_START, [DNSTAP_CONTENT_TYPE]));
    expect((await p.ended).reason).toBe('unexpected START in state awaiting-ready');
  });

  it('closes on a protocol error from the reader', async () => {
    const p = await pair();
    cleanup = p.close;
    p.client.write(Buffer.from('0000000000001000', 'hex'));
    expect((await p.ended).reason).toBe(
      'protocol error: control frame of 4096 bytes over the limit',
    );
  });

  it('reports a writer that disconnects without STOP', async () => {
    const p = await pair();
    cleanup = p.close;
    p.client.write(encodeControlFrame(CONTROL_READY, [DNSTAP_CONTENT_TYPE]));
    await p.waitUntil(() => p.received.length === 1);
    p.client.destroy();
    expect(await p.ended).toEqual({ reason: 'peer closed', sawStop: false, frames: 0 });
  });
});
