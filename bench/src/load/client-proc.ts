import { childConfig, serve } from '../proc.js';
import { nowMs, parseKey, sleep, type BenchData, type ServerKind } from '../shared.js';
import { LoadClient, type ClientSink } from './clients.js';
import { Histogram } from './histogram.js';

/**
 * A load-generator process: holds a share of the clients, parses every frame, records
 * publish → receive latency (payload timestamp vs. this process's clock) and, in storm mode,
 * which event numbers each client received.
 */
interface ProcConfig {
  kind: ServerKind;
  /** Global index of this process's first client (user ids stay unique across processes). */
  base: number;
  count: number;
  /** Reconnect after a close and resume (ours); storm mode also records every event number. */
  storm: boolean;
}

const cfg = childConfig<ProcConfig>();
const normal = new Histogram();
const critical = new Histogram();
let deliveries = 0;
let protocolErrors = 0;
const errorSamples: string[] = [];
const closeCodes: Record<string, number> = {};
/** Storm mode: per client, how often each event number arrived. */
const seen = new Map<number, Uint8Array>();
let stopping = false;

function record(client: LoadClient, n: number): void {
  let arr = seen.get(client.index) ?? new Uint8Array(1024);
  if (n >= arr.length) {
    const bigger = new Uint8Array(Math.max(n + 1, arr.length * 2));
    bigger.set(arr);
    arr = bigger;
  }
  arr[n] = Math.min(255, (arr[n] ?? 0) + 1);
  seen.set(client.index, arr);
}

const sink: ClientSink = {
  event(client, data: BenchData) {
    const { n, t, critical: isCritical } = parseKey(data.key);
    const latency = nowMs() - t;
    (isCritical ? critical : normal).add(latency);
    deliveries++;
    if (cfg.storm) record(client, n);
  },
  protocolError(_client, what) {
    protocolErrors++;
    if (errorSamples.length < 5) errorSamples.push(what);
  },
  ready() {},
  closed(client, code) {
    closeCodes[code] = (closeCodes[code] ?? 0) + 1;
    if (cfg.storm && !stopping) void reconnect(client);
  },
};

const clients: LoadClient[] = [];
/** The instances' URLs: client i opens urls[i % n] and fails over to the next one. */
let urls: string[] = [];

async function reconnect(client: LoadClient): Promise<void> {
  await sleep(100 + Math.random() * 400);
  while (!stopping) {
    try {
      await client.connect();
      return;
    } catch {
      // Several instances: the next attempt goes to the next one (its own may be dead).
      client.url = urls[(urls.indexOf(client.url) + 1) % urls.length] ?? client.url;
      await sleep(200 + Math.random() * 300);
    }
  }
}

async function connectAll(concurrency: number): Promise<{ failed: number; ms: number }> {
  const start = Date.now();
  let next = 0;
  let failed = 0;
  const lane = async (): Promise<void> => {
    while (next < clients.length) {
      const c = clients[next++];
      if (!c) return;
      try {
        await c.connect();
      } catch (err) {
        failed++;
        if (errorSamples.length < 5) errorSamples.push(`connect: ${String(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { failed, ms: Date.now() - start };
}

/** Storm accounting: per client, numbers published since its first event that never came. */
function stormReport(published: number[]): object {
  let lost = 0;
  let dup = 0;
  let clientsWithLoss = 0;
  let clientsWithDup = 0;
  const lostByN = new Map<number, number>();
  for (const c of clients) {
    const arr = seen.get(c.index);
    if (!arr) continue;
    const first = arr.findIndex((v) => v > 0);
    let l = 0;
    let d = 0;
    for (const n of published) {
      if (n < first) continue;
      const k = arr[n] ?? 0;
      if (k === 0) {
        l++;
        lostByN.set(n, (lostByN.get(n) ?? 0) + 1);
      } else if (k > 1) d += k - 1;
    }
    lost += l;
    dup += d;
    if (l > 0) clientsWithLoss++;
    if (d > 0) clientsWithDup++;
  }
  return { lost, dup, clientsWithLoss, clientsWithDup, lostByN: [...lostByN] };
}

serve(async (msg) => {
  switch (msg.op) {
    case 'connect':
      // The process starts before the server is up; the URL comes with the connect order.
      urls = Array.isArray(msg.url) ? (msg.url as string[]) : [String(msg.url)];
      for (let i = clients.length; i < cfg.count; i++) {
        const url = urls[(cfg.base + i) % urls.length] ?? '';
        clients.push(new LoadClient(cfg.base + i, cfg.kind, url, sink, cfg.storm));
      }
      return connectAll(Number(msg.concurrency ?? 50));
    case 'reset':
      normal.reset();
      critical.reset();
      deliveries = 0;
      return {};
    case 'report':
      return {
        normal: normal.data(),
        critical: critical.data(),
        deliveries,
        protocolErrors,
        errorSamples,
        closeCodes,
        ready: clients.filter((c) => c.ready).length,
      };
    case 'status':
      return {
        ready: clients.filter((c) => c.ready).length,
        reconnected: clients.filter((c) => c.ready && c.connects >= 2).length,
        lastReadyAt: Math.max(0, ...clients.map((c) => c.readyAt)),
        resumeFailures: clients.reduce((n, c) => n + c.resumeFailures, 0),
      };
    case 'storm-report':
      return stormReport(msg.published as number[]);
    case 'close':
      stopping = true;
      for (const c of clients) c.close();
      setTimeout(() => process.exit(0), 50);
      return {};
    default:
      throw new Error(`unknown op ${msg.op}`);
  }
});
process.send?.({ op: 'ready' });
