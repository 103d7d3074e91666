import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { parseServerFrame, type EventFrameUnion } from '@hdns/protocol';
import { freePort, startProcessServer, type ProcessServer } from '@hdns/testkit';
import type { BenchConfig } from '../config.js';
import { Histogram } from '../load/histogram.js';
import { nowMs, sleep } from '../shared.js';
import { tmpFile, type Variant } from '../variants.js';
import type { Figures } from './common.js';
import { dnsperf } from './named-rig.js';

/**
 * Query answered → dns_query_log event received by a WebSocket client (issue 15), against the
 * real server process with its managed named on free loopback ports, HDNS_MONITORS=true and
 * the live-event cap above the load (so nothing is sampled; `sampledEvents` says if it was):
 *
 * - quiet: single queries `quietGapMs` apart from a UDP client here; "answered" is the send
 *   time (same clock), an upper bound on named's answer time by the loopback round trip;
 * - load: dnsperf at `loadQps` (every name distinct, NXDOMAIN under the server's zone);
 *   "answered" is the event's `ts` (named's answer time: the dnstap response time or the log
 *   line's time, same machine clock, ms resolution).
 *
 * Two latencies per query: the first event (partial or complete: what the live view shows) and
 * the event with the answer facts (rcode; never, with the text log alone).
 */

export type QuerySourceSetup = 'merged' | 'querylog' | 'dnstap';

export const LIVE_SETUPS: (Variant & { setup: QuerySourceSetup })[] = [
  { name: 'dnstap + text log (default)', kind: 'ours', setup: 'merged' },
  { name: 'text log only (querylog)', kind: 'ours', setup: 'querylog' },
  { name: 'dnstap only', kind: 'ours', setup: 'dnstap' },
];

const ZONE = 'live.test';

function envOf(setup: QuerySourceSetup): Record<string, string> {
  if (setup === 'querylog') return { HDNS_QUERY_SOURCE: 'querylog' };
  if (setup === 'dnstap') return { HDNS_QUERY_LOG_WITH_DNSTAP: 'false' };
  return {};
}

interface Seen {
  firstAt: number;
  /** Answer time: the complete event's ts when seen, else the first event's. */
  tsMs: number;
  completeAt: number | null;
}

/** A minimal DNS query (RD clear, one question, A IN). */
function dnsQuery(id: number, name: string): Buffer {
  const labels = name
    .split('.')
    .map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

class LiveClient {
  readonly seen = new Map<string, Seen>();
  sampledEvents = 0;
  protocolErrors = 0;
  private constructor(private readonly ws: WebSocket) {}

  static connect(url: string, token: string): Promise<LiveClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const client = new LiveClient(ws);
      ws.on('open', () =>
        ws.send(
          JSON.stringify({
            type: 'hello',
            id: 'h1',
            protocol: 1,
            token,
            // Topics: dns_query_log is in `query`.
            subscribe: ['query'],
            client: { name: 'bench', instanceId: 'bench-live' },
          }),
        ),
      );
      ws.on('message', (raw: Buffer) => {
        const at = nowMs();
        const parsed = parseServerFrame(raw.toString());
        if (!parsed.ok) {
          client.protocolErrors++;
          return;
        }
        const frame = parsed.frame;
        if (frame.type === 'welcome') resolve(client);
        else if (frame.type === 'batch') {
          for (const e of frame.events as EventFrameUnion[]) {
            if (e.event === 'dns_query_log') client.onQuery(e.data, at);
          }
        } else if (frame.type === 'ping') ws.send(JSON.stringify({ type: 'pong', ts: frame.ts }));
        else if (frame.type === 'error') client.protocolErrors++;
      });
      ws.on('error', reject);
      ws.on('close', (code) => reject(new Error(`live client closed ${code}`)));
    });
  }

  private onQuery(
    d: { qname: string; ts: string; rcode?: string | undefined; sampled?: number | undefined },
    at: number,
  ): void {
    if (d.sampled !== undefined) this.sampledEvents++;
    const tsMs = Date.parse(d.ts);
    let s = this.seen.get(d.qname);
    if (s === undefined) {
      s = { firstAt: at, tsMs, completeAt: null };
      this.seen.set(d.qname, s);
    }
    if (d.rcode !== undefined && s.completeAt === null) {
      s.completeAt = at;
      s.tsMs = tsMs;
    }
  }

  close(): void {
    this.ws.removeAllListeners('close');
    this.ws.terminate();
  }
}

async function startServer(
  setup: QuerySourceSetup,
): Promise<{ server: ProcessServer; dnsPort: number }> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  const [dns, rndc, stats] = [...ports] as [number, number, number];
  const server = await startProcessServer({
    prefix: 'hdns-bench-live-',
    env: {
      HDNS_BIND_MODE: 'managed',
      HDNS_BIND_DNS_PORT: String(dns),
      HDNS_BIND_RNDC_PORT: String(rndc),
      HDNS_BIND_STATS_PORT: String(stats),
      HDNS_MONITORS: 'true',
      HDNS_LOG_LEVEL: 'warn',
      HDNS_RATE_LIMIT_MAX: '10000000',
      // Above the load, so every query is published (sampledEvents reports otherwise).
      HDNS_QUERY_LOG_MAX_EVENTS: '5000',
      ...envOf(setup),
    },
  });
  return { server, dnsPort: dns };
}

function quantiles(h: Histogram, prefix: string): Figures {
  return {
    [`${prefix}P50Ms`]: h.quantile(0.5),
    [`${prefix}P99Ms`]: h.quantile(0.99),
    [`${prefix}MaxMs`]: h.max,
  };
}

export async function liveLatency(cfg: BenchConfig, setup: QuerySourceSetup): Promise<Figures> {
  const { server, dnsPort } = await startServer(setup);
  let client: LiveClient | undefined;
  const udp = dgram.createSocket('udp4');
  try {
    const { accessToken } = await server.login();
    const zone = await server.api('/api/zones', {
      method: 'POST',
      token: accessToken,
      body: { name: ZONE },
    });
    if (zone.status !== 201) throw new Error(`live: zone not created (${zone.status})`);
    client = await LiveClient.connect(server.wsUrl, accessToken);
    const c = client;
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    let id = 1;
    const send = (name: string): number => {
      const t = nowMs();
      udp.send(dnsQuery(id++ & 0xffff, name), dnsPort, '127.0.0.1');
      return t;
    };
    // Warm-up: until a query's answer facts (or, text log only, its event) come through; named
    // connects to the dnstap socket at start and the zone must be loaded.
    const wantComplete = setup !== 'querylog';
    let warmed = 0;
    // dnstap reaches a quiet server 1-2 s late: any warm-up query's facts count, not the last.
    const warmNames: string[] = [];
    for (let i = 0; i < 60 && warmed === 0; i++) {
      const name = `warm${i}.${ZONE}`;
      warmNames.push(name);
      send(name);
      await sleep(1_000);
      const done = warmNames.some((n) => {
        const s = c.seen.get(n);
        return s !== undefined && (!wantComplete || s.completeAt !== null);
      });
      if (done) warmed = 1;
    }
    if (c.seen.size === 0) throw new Error(`live ${setup}: no event for 60 warm-up queries`);
    await sleep(2_500);

    // Quiet: single queries, sent time → events.
    const quietFirst = new Histogram();
    const quietComplete = new Histogram();
    const sentAt = new Map<string, number>();
    for (let i = 0; i < cfg.live.quietQueries; i++) {
      const name = `quiet${i}.${ZONE}`;
      sentAt.set(name, send(name));
      await sleep(cfg.live.quietGapMs);
    }
    await waitAll(c, [...sentAt.keys()], wantComplete, 4_000);
    let quietMissing = 0;
    for (const [name, t] of sentAt) {
      const s = c.seen.get(name);
      if (!s) {
        quietMissing++;
        continue;
      }
      quietFirst.add(s.firstAt - t);
      if (s.completeAt !== null) quietComplete.add(s.completeAt - t);
    }

    // Load: dnsperf at loadQps, each name once.
    const total = cfg.live.loadQps * cfg.live.loadSec;
    const names = Array.from({ length: total + cfg.live.loadQps }, (_, i) => `load${i}.${ZONE}`);
    const file = tmpFile('live-queries.txt');
    writeFileSync(file, `${names.map((n) => `${n} A`).join('\n')}\n`);
    const perf = await dnsperf(dnsPort, file, cfg.live.loadSec, cfg.live.loadQps);
    const sent = names.slice(0, perf.sent);
    await waitAll(c, sent, wantComplete, 5_000);
    const loadFirst = new Histogram();
    const loadComplete = new Histogram();
    let loadSeen = 0;
    for (const name of sent) {
      const s = c.seen.get(name);
      if (!s) continue;
      loadSeen++;
      loadFirst.add(Math.max(0, s.firstAt - s.tsMs));
      if (s.completeAt !== null) loadComplete.add(Math.max(0, s.completeAt - s.tsMs));
    }
    if (c.protocolErrors > 0) throw new Error(`live ${setup}: ${c.protocolErrors} protocol errors`);
    return {
      quietQueries: sentAt.size,
      quietMissing,
      ...quantiles(quietFirst, 'quietFirstEvent'),
      ...(quietComplete.count > 0 ? quantiles(quietComplete, 'quietComplete') : {}),
      loadQps: perf.qps,
      loadQueries: sent.length,
      loadEventsSeenShare: loadSeen / Math.max(1, sent.length),
      ...quantiles(loadFirst, 'loadFirstEvent'),
      ...(loadComplete.count > 0 ? quantiles(loadComplete, 'loadComplete') : {}),
      sampledEvents: c.sampledEvents,
      warmedUp: warmed,
    };
  } finally {
    client?.close();
    udp.close();
    await server.close();
  }
}

/** Until every name has its first event (and its complete one, when expected), or the timeout. */
async function waitAll(
  c: LiveClient,
  names: string[],
  complete: boolean,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const missing = names.some((n) => {
      const s = c.seen.get(n);
      return s === undefined || (complete && s.completeAt === null);
    });
    if (!missing) return;
    await sleep(100);
  }
}
