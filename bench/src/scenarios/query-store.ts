import { statSync } from 'node:fs';
import { querySearchSchema, type QuerySearchInput } from '@hdns/protocol/rest';
import type { QueryFacts } from '../../../apps/server/src/queries/query-facts.js';
import { QueryIngest } from '../../../apps/server/src/querystore/query-ingest.js';
import { SqliteQueryStore } from '../../../apps/server/src/querystore/sqlite-query-store.js';
import type { BenchConfig } from '../config.js';
import { Histogram } from '../load/histogram.js';
import { sleep } from '../shared.js';
import { tmpFile } from '../variants.js';
import type { Figures } from './common.js';

/**
 * The query store (issue 15), SQLite with its indexes (client, reversed name, rcode):
 *
 * - storeIngest: the facts of real traffic (dnstap.ts's capture) inserted in QueryIngest's
 *   batches of 2,000, per CPU-second of this process (SQLite runs in it), bar 50,000; then
 *   QueryIngest offered twice its insert cap for a few seconds, to show it samples and says so;
 * - querySearch: a store of `searchRows` generated queries (days of traffic, thousands of
 *   clients, many names) searched by time + client, name suffix and rcode: p50/p99.
 */

const BATCH = 2_000;
const LIMITS = { retentionDays: 3650, maxBytes: 1e15 };

function openStore(name: string): { store: SqliteQueryStore; file: string } {
  const file = tmpFile(name);
  return { store: new SqliteQueryStore({ file, ...LIMITS }), file };
}

/** Real facts re-timed at `perSec` from `startMs` (so rows fill hour partitions as traffic would). */
function retimed(
  facts: readonly QueryFacts[],
  from: number,
  count: number,
  startMs: number,
  perSec: number,
): QueryFacts[] {
  const out: QueryFacts[] = [];
  for (let i = from; i < from + count; i++) {
    const f = facts[i % facts.length]!;
    const tsMs = startMs + Math.floor((i * 1000) / perSec);
    out.push({ ...f, tsMs, ts: new Date(tsMs).toISOString() });
  }
  return out;
}

export async function storeIngest(
  cfg: BenchConfig,
  facts: readonly QueryFacts[],
): Promise<Figures> {
  const rows = cfg.dnstap.storeRows;
  const { store, file } = openStore('queries.db');
  const startMs = Date.now() - 3_600_000;
  let cpuUs = 0;
  const wallStart = performance.now();
  try {
    for (let i = 0; i < rows; i += BATCH) {
      const batch = retimed(facts, i, Math.min(BATCH, rows - i), startMs, 20_000);
      const t = process.cpuUsage();
      await store.insert(batch);
      const used = process.cpuUsage(t);
      cpuUs += used.user + used.system;
    }
    const wallSec = (performance.now() - wallStart) / 1000;
    const usage = await store.status();
    const sampling = await ingestSampling(store, facts, cfg.dnstap.samplingSec);
    return {
      storeInsertsPerCpuSec: rows / (cpuUs / 1e6),
      storeInsertsPerWallSec: rows / wallSec,
      storeBytesPerRow: usage.bytes / usage.rows,
      ...sampling,
    };
  } finally {
    await store.close();
    void file;
  }
}

/**
 * QueryIngest offered 100,000 queries/s (twice its default cap of 50,000/s) in real time: it
 * keeps 1 in `sampleEvery` and counts the rest as notStored.
 */
async function ingestSampling(
  store: SqliteQueryStore,
  facts: readonly QueryFacts[],
  seconds: number,
): Promise<Figures> {
  const rate = 100_000;
  const ingest = new QueryIngest(store, { maxInsertsPerSec: 50_000 });
  const stop = ingest.start();
  const start = performance.now();
  let offered = 0;
  let maxSampleEvery = 1;
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; offered < due; offered++) ingest.offer(facts[offered % facts.length]!);
    maxSampleEvery = Math.max(maxSampleEvery, ingest.counters().sampleEvery);
    await sleep(5);
  }
  await stop();
  const c = ingest.counters();
  return {
    samplingOfferedPerSec: offered / seconds,
    samplingStoredShare: c.stored / offered,
    samplingSampleEvery: maxSampleEvery,
  };
}

/** A store of `rows` queries over `days` days: 5,000 clients, 200 zones × many names. */
function generated(i: number, startMs: number, spanMs: number, rows: number): QueryFacts {
  // Deterministic pseudo-random, so runs are comparable.
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const next = (): number => {
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
    return h >>> 0;
  };
  const tsMs = startMs + Math.floor((i * spanMs) / rows);
  const client = next() % 5_000;
  const zone = `zone${next() % 200}.example`;
  const r = next() % 100;
  const rcode = r < 85 ? 'NOERROR' : r < 97 ? 'NXDOMAIN' : r < 99 ? 'SERVFAIL' : 'REFUSED';
  const qname =
    r >= 85 && r < 97 ? `x${next().toString(36)}.${zone}` : `host${next() % 500}.${zone}`;
  const qtype = ['A', 'A', 'A', 'AAAA', 'AAAA', 'HTTPS', 'MX', 'TXT', 'PTR', 'SRV'][next() % 10]!;
  return {
    ts: new Date(tsMs).toISOString(),
    tsMs,
    clientIp: `10.${(client >> 8) & 255}.${client & 255}.${(client % 250) + 1}`,
    clientPort: 1024 + (next() % 60_000),
    transport: next() % 50 === 0 ? 'tcp' : 'udp',
    qname,
    qtype,
    qclass: 'IN',
    rcode,
    flags: '+E(0)K',
    responseFlags: 'qr aa rd',
    answerCount: rcode === 'NOERROR' ? 1 : 0,
    answer: rcode === 'NOERROR' ? `A 192.0.2.${next() % 250}` : '',
    responseSize: 60 + (next() % 200),
    latencyMs: (next() % 2000) / 100,
    blocked: false,
    rpzAction: null,
    node: 'bench',
    server: '127.0.0.1',
    source: 'dnstap',
  };
}

export async function querySearch(cfg: BenchConfig, log: (m: string) => void): Promise<Figures> {
  const { rows, days, searches } = cfg.search;
  const { store, file } = openStore('search.db');
  const endMs = Date.now();
  const spanMs = days * 86_400_000;
  const startMs = endMs - spanMs;
  try {
    const fillStart = performance.now();
    let cpuUs = 0;
    for (let i = 0; i < rows; i += BATCH) {
      const batch: QueryFacts[] = [];
      for (let k = i; k < Math.min(rows, i + BATCH); k++)
        batch.push(generated(k, startMs, spanMs, rows));
      const t = process.cpuUsage();
      await store.insert(batch);
      const used = process.cpuUsage(t);
      cpuUs += used.user + used.system;
      if (i % 1_000_000 === 0 && i > 0) log(`search: ${i.toLocaleString('en-US')} rows stored`);
    }
    const fillSec = (performance.now() - fillStart) / 1000;
    const usage = await store.status();
    const fileBytes = statSync(file).size;

    const kinds: Record<string, (k: number) => QuerySearchInput> = {
      // A client's queries in one hour some time in the span.
      timeClient: (k) => {
        const from = startMs + ((k * 7_919_000) % (spanMs - 3_600_000));
        const c = (k * 37) % 5_000;
        return {
          from: new Date(from).toISOString(),
          to: new Date(from + 3_600_000).toISOString(),
          client: `10.${(c >> 8) & 255}.${c & 255}.${(c % 250) + 1}`,
        };
      },
      // Everything under one zone (name suffix), newest first.
      nameSuffix: (k) => ({ name: `zone${k % 200}.example` }),
      // A whole day of SERVFAILs (rare rcode, wide time range).
      rcode: (k) => {
        const from = startMs + ((k * 3_000_000) % (spanMs - 86_400_000));
        return {
          rcode: 'SERVFAIL',
          from: new Date(from).toISOString(),
          to: new Date(from + 86_400_000).toISOString(),
        };
      },
      // NXDOMAIN over the whole store, newest first.
      rcodeAll: () => ({ rcode: 'NXDOMAIN' }),
    };
    const figures: Figures = {
      searchRows: usage.rows,
      searchStoreMiB: usage.bytes / 2 ** 20,
      searchFileMiB: fileBytes / 2 ** 20,
      searchFillRowsPerCpuSec: rows / (cpuUs / 1e6),
      searchFillSec: fillSec,
    };
    for (const [name, make] of Object.entries(kinds)) {
      const hist = new Histogram();
      let found = 0;
      // Warm-up (statement cache, page cache), not counted.
      for (let k = 0; k < 5; k++) await store.search(querySearchSchema.parse(make(k + 10_000)));
      for (let k = 0; k < searches; k++) {
        const q = querySearchSchema.parse(make(k));
        const t = performance.now();
        const page = await store.search(q);
        hist.add(performance.now() - t);
        found += page.items.length;
      }
      figures[`${name}P50Ms`] = hist.quantile(0.5);
      figures[`${name}P99Ms`] = hist.quantile(0.99);
      figures[`${name}AvgItems`] = found / searches;
    }
    return figures;
  } finally {
    await store.close();
  }
}
