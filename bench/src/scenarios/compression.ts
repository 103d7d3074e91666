import { once } from 'node:events';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { BenchConfig } from '../config.js';
import { Child } from '../proc.js';
import type { ReplayKind } from '../servers/replay-events.js';
import type { ServerConfig } from '../servers/types.js';
import { benchToken } from '../shared.js';
import { tmpFile, type Variant } from '../variants.js';
import type { Figures } from './common.js';

/**
 * Compression where it pays (issue 17 item 5): a backlog of `events` realistic events in our
 * SQLite log, then `readers` clients (ws, which offers permessage-deflate as browsers do) resume
 * from before the first one and read the whole replay at full speed. Per variant: bytes on the
 * wire (TCP payload read by the clients, handshake excluded), the server's CPU for the replay
 * (process.cpuUsage of the server process: zlib runs on libuv's threads, which it counts), and
 * the time from hello to the last event. The log is the same bytes for every variant (seeded).
 */

export interface CompressionVariant extends Variant {
  /** absent: the server does not offer permessage-deflate. */
  compression?: { threshold: number };
}

export function compressionVariants(thresholds: number[]): CompressionVariant[] {
  return [
    { name: 'plain', kind: 'ours' },
    ...thresholds.map((threshold) => ({
      name: `deflate ≥ ${threshold / 1024} KB`,
      kind: 'ours' as const,
      compression: { threshold },
    })),
  ];
}

interface ReplayRead {
  wireBytes: number;
  payloadBytes: number;
  frames: number;
  events: number;
  ms: number;
}

/** One client: resume from `from`, read until `through` reaches `head`. */
async function readReplay(
  url: string,
  kind: ReplayKind,
  resume: { epoch: string; seq: number },
  head: number,
  id: string,
): Promise<ReplayRead> {
  const ws = new WebSocket(url);
  let socket: Socket | undefined;
  ws.once('upgrade', (res) => (socket = res.socket));
  await once(ws, 'open');
  const start0 = socket?.bytesRead ?? 0;
  let payloadBytes = 0;
  let frames = 0;
  let events = 0;
  const t0 = performance.now();
  const done = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      payloadBytes += data.length;
      frames++;
      const frame = JSON.parse(data.toString()) as {
        type: string;
        through?: number;
        events?: unknown[];
        resume?: { ok: boolean };
      };
      if (frame.type === 'welcome' && !frame.resume?.ok) reject(new Error('resume refused'));
      if (frame.type === 'batch') {
        events += frame.events?.length ?? 0;
        if ((frame.through ?? 0) >= head) resolve();
      }
    });
    ws.on('close', (code) => reject(new Error(`closed ${code} before the head`)));
  });
  ws.send(
    JSON.stringify({
      type: 'hello',
      id: 'h',
      protocol: 1,
      token: benchToken(id),
      subscribe: [kind],
      resume,
    }),
  );
  await done;
  const ms = performance.now() - t0;
  const wireBytes = (socket?.bytesRead ?? 0) - start0;
  ws.removeAllListeners('close');
  ws.terminate();
  return { wireBytes, payloadBytes, frames, events, ms };
}

export async function replayCompression(
  variant: CompressionVariant,
  cfg: BenchConfig,
  kind: ReplayKind,
): Promise<Figures> {
  const p = cfg.compression;
  const config: ServerConfig = {
    kind: 'ours',
    port: 0,
    sqlitePath: tmpFile('events.sqlite'),
    ...(variant.compression ? { compression: variant.compression } : {}),
  };
  const child = Child.start('./servers/replay-child.ts', config, [], `server:${variant.name}`);
  try {
    const ready = await child.waitFor('ready');
    const url = `ws://127.0.0.1:${Number(ready.port)}/`;
    const fill = await child.request({ op: 'fill', kind, count: p.events });
    const resume = { epoch: String(fill.epoch), seq: Number(fill.from) };
    const head = Number(fill.head);
    const cpu0 = Number((await child.request({ op: 'cpu' })).cpuUs);
    const reads = await Promise.all(
      Array.from({ length: p.readers }, (_, i) => readReplay(url, kind, resume, head, `r${i}`)),
    );
    const cpuUs = Number((await child.request({ op: 'cpu' })).cpuUs) - cpu0;
    const sum = (f: (r: ReplayRead) => number): number => reads.reduce((n, r) => n + f(r), 0);
    if (sum((r) => r.events) !== p.events * p.readers) {
      throw new Error(`compression ${variant.name}: ${sum((r) => r.events)} events read`);
    }
    return {
      wireKB: sum((r) => r.wireBytes) / 1024,
      jsonKB: sum((r) => r.payloadBytes) / 1024,
      wireShare: sum((r) => r.wireBytes) / sum((r) => r.payloadBytes),
      serverCpuMs: cpuUs / 1000,
      cpuUsPerEvent: cpuUs / (p.events * p.readers),
      catchUpMs: Math.max(...reads.map((r) => r.ms)),
      frames: sum((r) => r.frames) / p.readers,
    };
  } finally {
    try {
      await child.request({ op: 'exit' }, 10_000);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => void child.kill(), 5_000);
    await child.exited;
    clearTimeout(timer);
  }
}
