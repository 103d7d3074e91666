import fc from 'fast-check';
import type { FuzzServer } from './fuzz-server.js';
import { checkWebSocket, defineTarget } from './fuzz-target.js';
import {
  encodeWsFrame,
  rawWebSocket,
  type FrameSpec,
  type RawSocket,
  type ServerFrame,
} from './raw-wire.js';

/**
 * Raw WebSocket frames written on a socket after a valid handshake, on every route: opcodes
 * including the reserved ones, RSV bits, masked and unmasked, declared lengths that lie (short,
 * long, 2^63), forced 16/64-bit length forms, fragmentation and continuation misuse, invalid
 * UTF-8 in text frames, control frames over 125 bytes; the bytes split at random points.
 */

export type Route = 'v1' | 'v1-bearer' | 'v1-hello' | 'legacy2' | 'legacy1';

const invalidUtf8 = fc.constantFrom(
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0xbc],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xff],
  [0xc0, 0xaf],
);

const payload = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        '{"type":"ping","id":"p"}',
        '{"type":"subscribe","id":"s","items":["*"]}',
        '{}',
        '',
        'null',
      )
      .map((s) => Buffer.from(s)),
  },
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc
    .tuple(fc.string({ maxLength: 20 }), invalidUtf8)
    .map(([s, bad]) => Buffer.concat([Buffer.from(s), Buffer.from(bad)])),
  fc.integer({ min: 120, max: 130 }).map((n) => Buffer.alloc(n, 0x61)),
  fc.constantFrom(70_000, 200_000).map((n) => Buffer.alloc(n, 0x20)),
);

const frameSpec: fc.Arbitrary<FrameSpec> = fc.record(
  {
    fin: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
    rsv: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 7 })),
    opcode: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(0x1, 0x2, 0x0, 0x8, 0x9, 0xa) },
      fc.integer({ min: 0, max: 15 }),
    ),
    mask: fc.oneof({ weight: 8, arbitrary: fc.constant(true) }, fc.constant(false)),
    payload,
    declaredLength: fc.option(
      fc.oneof(fc.nat({ max: 300 }), fc.constantFrom(2 ** 16, 2 ** 31, 2 ** 53, 2 ** 63)),
      { nil: undefined, freq: 6 },
    ),
    lengthForm: fc.option(fc.constantFrom('short' as const, '16' as const, '64' as const), {
      nil: undefined,
      freq: 5,
    }),
  },
  { requiredKeys: ['opcode', 'payload'] },
);

export interface FrameCase {
  route: Route;
  frames: FrameSpec[];
  /** Byte offsets (mod total length) where the write is split. */
  splits: number[];
}

export const frameCase: fc.Arbitrary<FrameCase> = fc.record({
  route: fc.constantFrom<Route>('v1', 'v1-bearer', 'v1-hello', 'legacy2', 'legacy1'),
  frames: fc.array(frameSpec, { minLength: 1, maxLength: 5 }),
  splits: fc.array(fc.nat(), { maxLength: 3 }),
});

/** Opens a raw socket on `route`, authenticated as the fuzz admin where the route allows. */
export async function openRoute(server: FuzzServer, route: Route): Promise<RawSocket> {
  const t = server.target;
  const token = encodeURIComponent(server.adminToken);
  switch (route) {
    case 'v1':
      return rawWebSocket(t, '/ws');
    case 'v1-bearer':
      return rawWebSocket(t, '/ws', { Authorization: `Bearer ${server.adminToken}` });
    case 'v1-hello': {
      const ws = await rawWebSocket(t, '/ws');
      const hello = {
        type: 'hello',
        id: 'h',
        protocol: 1,
        token: server.adminToken,
        subscribe: ['*'],
      };
      ws.socket.write(encodeWsFrame({ opcode: 1, payload: Buffer.from(JSON.stringify(hello)) }));
      return ws;
    }
    case 'legacy2':
      return rawWebSocket(t, `/ws?token=${token}`);
    case 'legacy1':
      return rawWebSocket(t, `/ws/system/${encodeURIComponent(server.adminId)}?token=${token}`);
  }
}

export interface Probe {
  frame: Buffer;
  answered(f: ServerFrame): boolean;
}

const PROBE = Buffer.from('probe');

/** A protocol-level ping: `ws` answers it at once, whatever the session is doing. */
export const controlPing: Probe = {
  frame: encodeWsFrame({ opcode: 9, payload: PROBE }),
  answered: (f) => f.opcode === 10 && f.payload.equals(PROBE),
};

/**
 * Ends a case: sends `probe`, which the server answers unless the connection is closing (or a
 * lying length still swallows bytes), then waits for that answer, the close, or `ms`, and
 * drops the socket. Returns the close code the server sent, if any.
 */
export async function settle(
  ws: RawSocket,
  ms = 300,
  probe: Probe = controlPing,
): Promise<number | null> {
  if (ws.socket.writable) ws.socket.write(probe.frame);
  const answered = new Promise<void>((resolve) => {
    const check = (): void => {
      if (ws.frames.some((f) => probe.answered(f))) resolve();
    };
    ws.socket.on('data', () => setImmediate(check));
    check();
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ws.closed,
    answered,
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
  ws.socket.destroy();
  return (await ws.closed).code;
}

export const rawFrameTarget = defineTarget({
  name: 'raw WebSocket frames',
  runs: 900,
  touchesServer: true,
  arbitrary: () => frameCase,
  async run(server, c) {
    const ws = await openRoute(server, c.route);
    const bytes = Buffer.concat(c.frames.map(encodeWsFrame));
    const cuts = [...new Set(c.splits.map((s) => s % Math.max(1, bytes.length)))].sort(
      (a, b) => a - b,
    );
    let from = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (cut > from && ws.socket.writable) ws.socket.write(bytes.subarray(from, cut));
      from = Math.max(from, cut);
    }
    // Short: when a lying length swallows the probe, nothing more will come.
    const code = await settle(ws, 100);
    checkWebSocket(ws.frames, code, `${c.route} after ${c.frames.length} frames`);
  },
});
