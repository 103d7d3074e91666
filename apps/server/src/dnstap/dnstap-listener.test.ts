import dnsPacket from 'dns-packet';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryFacts } from '../queries/query-facts.js';
import { startDnstapListener } from './dnstap-listener.js';
import { encodeDnstap } from './dnstap-encoder.js';
import { MessageType, SocketProtocol } from './dnstap-message.js';
import {
  CONTROL_READY,
  CONTROL_START,
  CONTROL_STOP,
  encodeControlFrame,
  encodeDataFrame,
} from './frame-stream-reader.js';
import { DNSTAP_CONTENT_TYPE } from './frame-stream-session.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-tapl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lo = Buffer.from([127, 0, 0, 1]);
function frames(id: number, port: number): Buffer[] {
  const base = {
    identity: 'node-a',
    socketFamily: 1,
    socketProtocol: SocketProtocol.UDP,
    queryAddress: lo,
    responseAddress: lo,
    queryPort: port,
    responsePort: 53,
  };
  const question = [{ type: 'A' as const, name: 'www.example.test' }];
  return [
    encodeDnstap({
      ...base,
      type: MessageType.CLIENT_QUERY,
      queryTimeSec: 1000,
      queryTimeNsec: 5_000_000,
      queryMessage: dnsPacket.encode({
        type: 'query',
        id,
        flags: dnsPacket.RECURSION_DESIRED,
        questions: question,
      }),
    }),
    encodeDnstap({
      ...base,
      type: MessageType.CLIENT_RESPONSE,
      responseTimeSec: 1000,
      responseTimeNsec: 9_000_000,
      responseMessage: dnsPacket.encode({ type: 'response', id, questions: question }),
    }),
  ].map(encodeDataFrame);
}

/** Plays named: connect, READY, wait for ACCEPT, START, frames, STOP, wait for FINISH + close. */
async function writer(sock: string, data: Buffer[]): Promise<string> {
  const c = net.connect(sock);
  let got = Buffer.alloc(0);
  const closed = new Promise<void>((r) => c.on('close', () => r()));
  c.on('data', (b: Buffer) => {
    const first = got.length === 0;
    got = Buffer.concat([got, b]);
    if (first) {
      c.write(Buffer.concat([encodeControlFrame(CONTROL_START, [DNSTAP_CONTENT_TYPE]), ...data]));
      c.write(encodeControlFrame(CONTROL_STOP));
    }
  });
  c.write(encodeControlFrame(CONTROL_READY, [DNSTAP_CONTENT_TYPE]));
  await closed;
  return got.toString('hex');
}

describe('startDnstapListener', () => {
  it('serves several writers, pairs their messages and counts', async () => {
    const socketPath = path.join(dir, 'tap.sock');
    await writeFile(socketPath, '');
    await expect(
      startDnstapListener({ socketPath, rpzZones: () => [], onQuery: () => undefined }),
    ).rejects.toThrow(/not a socket/);
    await rm(socketPath);
    // A stale socket from an earlier run is replaced.
    const stale = net.createServer();
    await new Promise<void>((r) => stale.listen(socketPath, () => r()));
    stale.unref();
    const facts: QueryFacts[] = [];
    const listener = await startDnstapListener({
      socketPath,
      rpzZones: () => [],
      onQuery: (f) => facts.push(f),
    });
    expect((await stat(socketPath)).mode & 0o777).toBe(0o666);
    const [a, b] = await Promise.all([
      writer(socketPath, frames(1, 1111)),
      writer(socketPath, frames(2, 2222)),
    ]);
    expect(a).toMatch(/000000000000000400000005$/); // FINISH
    expect(b).toMatch(/000000000000000400000005$/);
    expect(facts.map((f) => [f.clientPort, f.latencyMs, f.node]).sort()).toEqual([
      [1111, 4, 'node-a'],
      [2222, 4, 'node-a'],
    ]);
    for (let i = 0; i < 50 && listener.counters().open > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(listener.counters()).toMatchObject({
      frames: 4,
      decoded: 4,
      malformed: 0,
      paired: 2,
      connections: 2,
      open: 0,
      stops: 2,
      protocolErrors: 0,
    });
    await listener.stop();
    await listener.stop();
    expect(existsSync(socketPath)).toBe(false);
    stale.close();
  });

  it('counts undecodable frames and closes connections on stop', async () => {
    const socketPath = path.join(dir, 'tap.sock');
    const listener = await startDnstapListener({
      socketPath,
      socketMode: 0o660,
      rpzZones: () => [],
      onQuery: () => undefined,
    });
    expect((await stat(socketPath)).mode & 0o777).toBe(0o660);
    const c = net.connect(socketPath);
    const closed = new Promise<void>((r) => c.on('close', () => r()));
    c.on('error', () => undefined);
    c.on('data', () => {
      c.write(
        Buffer.concat([
          encodeControlFrame(CONTROL_START),
          encodeDataFrame(Buffer.from([0xff, 0xff])),
        ]),
      );
    });
    c.write(encodeControlFrame(CONTROL_READY, [DNSTAP_CONTENT_TYPE]));
    for (let i = 0; i < 100 && listener.counters().frames === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(listener.counters()).toMatchObject({ frames: 1, decoded: 0, malformed: 1, open: 1 });
    await listener.stop();
    await closed;
    expect(listener.counters().open).toBe(0);
  });
});
