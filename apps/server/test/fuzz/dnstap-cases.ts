import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { Hub, MemoryEventLog } from '@hdns/hub';
import { queryRecordSchema } from '@hdns/protocol/rest';
import { encodeDnstap } from '../../src/dnstap/dnstap-encoder.js';
import { startDnstapListener, type DnstapListener } from '../../src/dnstap/dnstap-listener.js';
import { MessageType, SocketProtocol } from '../../src/dnstap/dnstap-message.js';
import {
  CONTROL_READY,
  CONTROL_START,
  CONTROL_STOP,
  encodeControlFrame,
  encodeDataFrame,
} from '../../src/dnstap/frame-stream-reader.js';
import { DNSTAP_CONTENT_TYPE } from '../../src/dnstap/frame-stream-session.js';
import type { EventPublisher } from '../../src/monitors/monitor-types.js';
import { QueryStream } from '../../src/monitors/query-stream.js';
import { QueryIngest } from '../../src/querystore/query-ingest.js';
import { SqliteQueryStore } from '../../src/querystore/sqlite-query-store.js';
import type { QueryFacts } from '../../src/queries/query-facts.js';
import { defineTarget, FuzzFailure } from './fuzz-target.js';

/**
 * The dnstap socket as named's side of it: generated Frame Streams connections (raw bytes, or a
 * real handshake followed by generated and mutated Dnstap messages carrying generated and
 * mutated DNS messages, cut at random points) into a real listener, whose facts go through the
 * real QueryStream (joined with a text log: the merge path) into a real Hub, and through the
 * real store ingest into a real SQLite query store. Checks: every facts record fits the store's
 * row schema and is stored without error, no event is refused by the catalogue, and a
 * sentinel connection after the fuzzed one still yields its query: the listener survived.
 */

const lo4 = Buffer.from([127, 0, 0, 1]);

const validQuery = (id: number, name: string) =>
  dnsPacket.encode({
    type: 'query',
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: 'A', name }],
  });
const validResponse = (id: number, name: string) =>
  dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ type: 'A', name }],
    answers: [
      { type: 'A', name, ttl: 60, data: '192.0.2.1' },
      { type: 'CNAME', name, ttl: 60, data: `alias.${name}` },
      { type: 'TXT', name, ttl: 60, data: 'text' },
    ],
    additionals: [
      {
        type: 'SOA',
        name: 'rpz.local',
        ttl: 60,
        data: {
          mname: 'a.',
          rname: 'b.',
          serial: 1,
          refresh: 1,
          retry: 1,
          expire: 1,
          minimum: 1,
        },
      },
    ],
  });

/** A valid DNS message with some bytes overwritten, cut, or not touched at all. */
const dnsMessage = fc
  .record({
    response: fc.boolean(),
    id: fc.nat(65535),
    flips: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ response, id, flips, cut }) => {
    const b = Buffer.from(
      response ? validResponse(id, 'fz.example.test') : validQuery(id, 'fz.example.test'),
    );
    for (const [at, v] of flips) b[at % b.length] = v;
    return cut === undefined ? b : b.subarray(0, cut % (b.length + 1));
  });

const address = fc.oneof(
  fc.constant(lo4),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
  fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
);

const message = fc
  .record({
    type: fc.integer({ min: 0, max: 16 }),
    socketFamily: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    socketProtocol: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
    queryAddress: fc.option(address, { nil: undefined }),
    responseAddress: fc.option(address, { nil: undefined }),
    queryPort: fc.option(fc.nat(70000), { nil: undefined }),
    responsePort: fc.option(fc.nat(70000), { nil: undefined }),
    // Any 53-bit time, far past and future included: the store names partitions by time.
    queryTimeSec: fc.option(fc.oneof(fc.nat(), fc.maxSafeNat()), { nil: undefined }),
    queryTimeNsec: fc.option(fc.nat(), { nil: undefined }),
    responseTimeSec: fc.option(fc.oneof(fc.nat(), fc.maxSafeNat()), { nil: undefined }),
    responseTimeNsec: fc.option(fc.nat(), { nil: undefined }),
    queryMessage: fc.option(dnsMessage, { nil: undefined }),
    responseMessage: fc.option(dnsMessage, { nil: undefined }),
    identity: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
  })
  .map((m) => encodeDnstap(m));

const dataFrame = fc.oneof(
  { weight: 4, arbitrary: message },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(message, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }))
      .map(([m, flips]) => {
        const b = Buffer.from(m);
        for (const [at, v] of flips) if (b.length > 0) b[at % b.length] = v;
        return b;
      }),
  },
);

/** One connection's bytes: garbage, or a handshake with generated frames, maybe a STOP. */
const connectionBytes = fc.oneof(
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)) },
  {
    weight: 5,
    arbitrary: fc
      .record({ frames: fc.array(dataFrame, { maxLength: 8 }), stop: fc.boolean() })
      .map(({ frames, stop }) =>
        Buffer.concat([
          encodeControlFrame(CONTROL_READY, [DNSTAP_CONTENT_TYPE]),
          encodeControlFrame(CONTROL_START, [DNSTAP_CONTENT_TYPE]),
          ...frames.map(encodeDataFrame),
          ...(stop ? [encodeControlFrame(CONTROL_STOP)] : []),
        ]),
      ),
  },
);

/** Writes `bytes` in the given cuts; resolves when the listener closed or after a short wait. */
function play(socketPath: string, bytes: Buffer, cuts: number[]): Promise<void> {
  return new Promise((resolve) => {
    const c = net.connect(socketPath);
    const done = (): void => {
      clearTimeout(timer);
      c.destroy();
      resolve();
    };
    const timer = setTimeout(done, 200);
    c.on('error', done);
    c.on('close', done);
    // Read what the listener sends (ACCEPT, FINISH): an unread socket never sees the end.
    c.resume();
    c.on('connect', () => {
      let from = 0;
      for (const cut of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort(
        (a, b) => a - b,
      )) {
        c.write(bytes.subarray(from, cut));
        from = cut;
      }
      c.end(bytes.subarray(from));
    });
  });
}

class DnstapRig {
  private n = 0;
  readonly problems: string[] = [];
  private readonly waiting = new Map<string, () => void>();
  private constructor(
    private readonly dir: string,
    readonly listener: DnstapListener,
    private readonly stops: (() => Promise<void>)[],
  ) {}

  static async open(): Promise<DnstapRig> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-fuzz-tap-'));
    const hub = new Hub({
      log: new MemoryEventLog(),
      verifyToken: () => Promise.reject(new Error('no clients')),
    });
    let rig: DnstapRig | null = null;
    const publisher: EventPublisher = {
      publish: async (type, data, options) => {
        try {
          const logged = await hub.publish(type, data, options);
          const qname = (logged.data as { qname?: unknown }).qname;
          if (typeof qname === 'string') rig?.waiting.get(qname)?.();
          return logged;
        } catch (err) {
          rig?.problems.push(
            `${type} refused: ${err instanceof Error ? err.message : String(err)}`,
          );
          throw err;
        }
      },
    };
    const stream = new QueryStream(publisher, {
      maxEventsPerSec: 1_000_000,
      statsIntervalMs: 200,
      merge: { holdMs: 0 },
    });
    const stopStream = stream.start();
    // Every facts record also goes through the real store ingest into a real SQLite store.
    const store = new SqliteQueryStore({
      file: path.join(dir, 'queries.db'),
      retentionDays: 7,
      maxBytes: 256 * 1024 * 1024,
    });
    const ingest = new QueryIngest(store, {
      maxInsertsPerSec: 1_000_000,
      flushMs: 20,
      onError: (err, what) =>
        rig?.problems.push(
          `store ${what} failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
    });
    const stopIngest = ingest.start();
    const check = (f: QueryFacts): void => {
      ingest.offer(f);
      const { tsMs: _t, ecs: _e, view: _v, ...row } = f;
      const parsed = queryRecordSchema.safeParse({ id: 'x', ...row });
      if (!parsed.success)
        rig?.problems.push(`facts unfit for the store: ${parsed.error.message.slice(0, 300)}`);
      stream.handleAnswer(f);
    };
    const listener = await startDnstapListener({
      socketPath: path.join(dir, 'tap.sock'),
      rpzZones: () => ['rpz.local'],
      onQuery: check,
      onUpstream: (u) => stream.handleUpstream(u),
    });
    rig = new DnstapRig(dir, listener, [
      () => listener.stop(),
      stopStream,
      stopIngest,
      () => store.close(),
    ]);
    return rig;
  }

  /** Plays the fuzzed connection, then a sentinel one; throws unless the sentinel comes out. */
  async feed(bytes: Buffer, cuts: number[]): Promise<void> {
    await play(this.listener.socketPath, bytes, cuts);
    const name = `s${++this.n}.sentinel.test`;
    const seen = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5000);
      this.waiting.set(name, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    const base = {
      identity: 'fuzz',
      socketFamily: 1,
      socketProtocol: SocketProtocol.UDP,
      queryAddress: lo4,
      responseAddress: lo4,
      queryPort: 10_000 + (this.n % 50_000),
      responsePort: 53,
    };
    const sentinel = Buffer.concat([
      encodeControlFrame(CONTROL_READY, [DNSTAP_CONTENT_TYPE]),
      encodeControlFrame(CONTROL_START, [DNSTAP_CONTENT_TYPE]),
      encodeDataFrame(
        encodeDnstap({
          ...base,
          type: MessageType.CLIENT_QUERY,
          queryTimeSec: 1,
          queryMessage: validQuery(7, name),
        }),
      ),
      encodeDataFrame(
        encodeDnstap({
          ...base,
          type: MessageType.CLIENT_RESPONSE,
          responseTimeSec: 1,
          responseMessage: validResponse(7, name),
        }),
      ),
      encodeControlFrame(CONTROL_STOP),
    ]);
    await play(this.listener.socketPath, sentinel, []);
    const ok = await seen;
    this.waiting.delete(name);
    if (this.problems.length > 0) throw new FuzzFailure(this.problems.splice(0).join('; '));
    if (!ok) throw new FuzzFailure(`the listener stopped yielding queries (sentinel ${name})`);
  }

  async close(): Promise<void> {
    for (const stop of this.stops) await stop();
    await rm(this.dir, { recursive: true, force: true });
    if (this.problems.length > 0) throw new FuzzFailure(this.problems.splice(0).join('; '));
  }
}

let rig: Promise<DnstapRig> | null = null;

export const dnstapTarget = defineTarget({
  name: 'dnstap frame streams (in process)',
  runs: 1000,
  touchesServer: false,
  arbitrary: () =>
    fc.record({ bytes: connectionBytes, cuts: fc.array(fc.nat(), { maxLength: 5 }) }),
  async run(_server, c) {
    rig ??= DnstapRig.open();
    await (await rig).feed(c.bytes, c.cuts);
  },
  async close() {
    const r = rig;
    rig = null;
    if (r) await (await r).close();
  },
});
