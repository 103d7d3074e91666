import type { BenchConfig } from '../config.js';
import type { Variant } from '../variants.js';
import type { Figures } from './common.js';
import { captureDnstap, dnstapThroughput, textLogThroughput, type Capture } from './dnstap.js';
import { LIVE_SETUPS, liveLatency } from './live-latency.js';
import { NAMED_SETUPS, namedCost } from './named-cost.js';
import { querySearch, storeIngest } from './query-store.js';

/**
 * Issue 15's tables, every figure from a real named answering dnsperf, each beside the text-log
 * path of the same run: `dnstap` (ingest per CPU-second, and the query store's inserts), `live`
 * (answered → WebSocket event), `named` (named's CPU per 1,000 queries per logging setup),
 * `search` (search latency over a store of 10,000,000 queries; 200,000 with --quick).
 */

/** main.ts's runner (every variant `runs` times in alternation, medians). */
export type Runner = (
  scenario: string,
  title: string,
  variants: Variant[],
  body: (v: Variant) => Promise<Figures>,
  notes?: string[],
  runs?: number,
) => Promise<void>;

const DNSTAP: Variant = { name: 'dnstap', kind: 'ours' };
const TEXT_LOG: Variant = { name: 'text log', kind: 'ours' };
const SQLITE: Variant = { name: 'SQLite query store', kind: 'ours' };

export async function dnsSuite(
  cfg: BenchConfig,
  wanted: (scenario: string) => boolean,
  alternate: Runner,
  log: (msg: string) => void,
  setRatios: (ratios: [string, string][]) => void,
): Promise<void> {
  if (wanted('dnstap')) {
    const d = cfg.dnstap;
    let capture: Capture | null = null;
    const captured = async (): Promise<Capture> => {
      if (capture !== null) return capture;
      const c = await captureDnstap(cfg);
      log(
        `dnstap capture: ${c.completed} queries at ${Math.round(c.qps)}/s, ` +
          `${c.frames.length} frames, ${c.lines.length} log lines, ${c.facts.length} answered facts`,
      );
      capture = c;
      return c;
    };
    await alternate(
      'dnstap',
      `dnstap ingest: named answering dnsperf for ${d.captureSec} s (dnstap and text log both on), replayed ${d.replayFrames.toLocaleString('en-US')} frames / lines on one core, per CPU-second`,
      [DNSTAP, TEXT_LOG],
      async (v) => {
        const c = await captured();
        return v === DNSTAP
          ? dnstapThroughput(c, d.replayFrames)
          : textLogThroughput(c, d.replayFrames);
      },
      [
        'decode = frames decoded (dnstap) / lines parsed (text log); decodeAggregate = + paired + QueryStatsWindow (recordFacts / recordQuery); stream = the whole QueryStream handler (handleAnswer / handleLine), publish into a Hub without subscribers.',
        'A query is 2 dnstap frames (query + response) and 1 log line: queries*PerCpuSec divide by itemsPerQuery. Bar: 300,000 frames/CPU-s decoded + aggregated.',
        'answerSummary*: the response summary alone, the hand parser against dns-packet (what it replaced).',
      ],
    );
    setRatios([[DNSTAP.name, TEXT_LOG.name]]);
    await alternate(
      'store',
      `Query store: the captured facts inserted in batches of 2,000 (${d.storeRows.toLocaleString('en-US')} rows, with the client, name and rcode indexes), then QueryIngest offered 100,000 queries/s for ${d.samplingSec} s`,
      [SQLITE],
      async () => storeIngest(cfg, (await captured()).facts),
      ['Bar: 50,000 inserts per CPU-second; above the cap (50,000/s) QueryIngest keeps 1 in N.'],
    );
    capture = null;
  }
  if (wanted('live')) {
    const l = cfg.live;
    await alternate(
      'live',
      `Query answered → dns_query_log at a WebSocket client, real server and managed named: ${l.quietQueries} single queries ${l.quietGapMs} ms apart, then dnsperf at ${l.loadQps}/s for ${l.loadSec} s`,
      LIVE_SETUPS,
      (v) => liveLatency(cfg, LIVE_SETUPS.find((s) => s.name === v.name)?.setup ?? 'merged'),
      [
        'First event = the first dns_query_log for the query (partial or complete: what the live view shows); complete = the one with the answer facts (rcode). Quiet: from the send time; load: from the event ts (named answer time, ms resolution).',
        'Bars: load p99 ≤ 100 ms; quiet p99 no worse than 281 ms (the text log before issue 15).',
      ],
    );
    setRatios([
      [LIVE_SETUPS[0]!.name, LIVE_SETUPS[1]!.name],
      [LIVE_SETUPS[2]!.name, LIVE_SETUPS[1]!.name],
    ]);
  }
  if (wanted('named')) {
    const n = cfg.namedCost;
    await alternate(
      'named',
      `named's own CPU per 1,000 queries by logging setup: dnsperf at ${n.qps}/s for ${n.seconds} s each`,
      NAMED_SETUPS,
      (v) => namedCost(cfg, NAMED_SETUPS.find((s) => s.name === v.name)?.logging ?? 'neither'),
      [
        'utime + stime from /proc/<pid>/stat (10 ms ticks), over the load and the dnstap flush after it.',
      ],
    );
    setRatios(NAMED_SETUPS.slice(1).map((s) => [s.name, NAMED_SETUPS[0]!.name]));
  }
  if (wanted('search')) {
    const s = cfg.search;
    await alternate(
      'search',
      `Query search over ${s.rows.toLocaleString('en-US')} stored queries (${s.days} days, 5,000 clients, 200 zones), ${s.searches} searches per kind, first page (100)`,
      [SQLITE],
      () => querySearch(cfg, log),
      [
        'timeClient: one client in one hour; nameSuffix: one zone, newest first; rcode: SERVFAIL over one day; rcodeAll: NXDOMAIN over the whole store. Bar: p99 ≤ 200 ms.',
      ],
      1,
    );
  }
}
