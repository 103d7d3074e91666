/** Scenario sizes: the full run (docs/benchmarks.md) and `--quick` (CI smoke, < 2 minutes). */
export interface BenchConfig {
  quick: boolean;
  runs: number;
  /** Load-generator processes per client pool. */
  procs: number;
  /** Time after a measured window for queues to drain (counted in the server's CPU time). */
  drainMs: number;
  fanout: {
    clients: number;
    rate: number;
    payloadBytes: number;
    durationMs: number;
    warmupMs: number;
  };
  critical: {
    clients: number;
    rampRates: number[];
    rampStepMs: number;
    durationMs: number;
    payloadBytes: number;
  };
  /**
   * Idle connections: RSS at `sizes`, then at `idle.clients` held past a heartbeat (ours beats
   * every `idle.heartbeatMs`).
   */
  memory: {
    sizes: [number, number];
    settleMs: number;
    idle: { clients: number; heartbeatMs: number };
  };
  storm: { clients: number; rate: number; beforeMs: number; afterMs: number; payloadBytes: number };
  slow: { clients: number; rate: number; payloadBytes: number; durationMs: number };
  /** Throughput over `lines`; latency at `rate` lines/s (under the app's 200/s cap) for `durationMs`. */
  ingest: { lines: number; latency: { rate: number; durationMs: number } };
  /**
   * Scale-out (`--only=cluster`, never in a plain --quick run): the fan-out and storm sizes
   * above on two Redis-backed instances; event-log costs over `appends` appends (one at a time,
   * then 64 in flight) and `resumeReads` reads of `resumeEvents` events.
   */
  cluster: { appends: number; payloadBytes: number; resumeEvents: number; resumeReads: number };
  /**
   * Issue 15, from a real named driven by dnsperf: dnstap frames captured for `captureSec` at
   * `captureQps` (named drops dnstap frames when its queue overflows: full speed lost half), and
   * replayed `replayFrames` times per measure; `storeRows` inserted into the query store; its
   * sampling shown over `samplingSec`.
   */
  dnstap: {
    captureSec: number;
    captureQps: number;
    replayFrames: number;
    storeRows: number;
    samplingSec: number;
  };
  /** Search latency over a store of `rows` queries spread over `days`; `searches` per kind. */
  search: { rows: number; days: number; searches: number };
  /** named's CPU per 1,000 queries: dnsperf at `qps` for `seconds` per logging setup. */
  namedCost: { seconds: number; qps: number };
  /**
   * Query answered → WebSocket event, real server process and managed named: `loadSec` at
   * `loadQps` queries/s, and `quietQueries` single queries `quietGapMs` apart.
   */
  live: { loadQps: number; loadSec: number; quietQueries: number; quietGapMs: number };
  /**
   * Issue 16: a blocklist of `domains` names from a local HTTP server to named answering with it,
   * a refresh changing 1 %, and `compare` names each way against the old bulk RPZ import.
   */
  feeds: { domains: number; compare: number };
  /**
   * Issue 17 item 5: a replay of `events` realistic events read by `readers` clients, without
   * permessage-deflate and with it at each of `thresholds` (bytes).
   */
  compression: { events: number; readers: number; thresholds: number[] };
}

export const FULL: BenchConfig = {
  quick: false,
  runs: 3,
  procs: 2,
  drainMs: 1_000,
  fanout: { clients: 1000, rate: 50, payloadBytes: 200, durationMs: 10_000, warmupMs: 1_000 },
  critical: {
    clients: 200,
    rampRates: [100, 200, 400, 800, 1600, 3200, 6400],
    rampStepMs: 4_000,
    durationMs: 10_000,
    payloadBytes: 200,
  },
  memory: {
    sizes: [5_000, 10_000],
    settleMs: 1_000,
    idle: { clients: 20_000, heartbeatMs: 5_000 },
  },
  storm: { clients: 5_000, rate: 20, beforeMs: 3_000, afterMs: 3_000, payloadBytes: 200 },
  slow: { clients: 50, rate: 200, payloadBytes: 8_000, durationMs: 10_000 },
  ingest: { lines: 500_000, latency: { rate: 100, durationMs: 10_000 } },
  cluster: { appends: 5_000, payloadBytes: 200, resumeEvents: 500, resumeReads: 200 },
  dnstap: {
    captureSec: 5,
    captureQps: 10_000,
    replayFrames: 1_000_000,
    storeRows: 500_000,
    samplingSec: 4,
  },
  search: { rows: 10_000_000, days: 7, searches: 200 },
  namedCost: { seconds: 10, qps: 5_000 },
  live: { loadQps: 1_000, loadSec: 10, quietQueries: 30, quietGapMs: 300 },
  feeds: { domains: 1_000_000, compare: 20_000 },
  compression: { events: 5_000, readers: 1, thresholds: [16_384, 1_024] },
};

export const QUICK: BenchConfig = {
  quick: true,
  runs: 1,
  procs: 1,
  drainMs: 300,
  fanout: { clients: 50, rate: 50, payloadBytes: 200, durationMs: 1_500, warmupMs: 300 },
  critical: {
    clients: 20,
    rampRates: [200],
    rampStepMs: 1_000,
    durationMs: 2_000,
    payloadBytes: 200,
  },
  memory: { sizes: [200, 500], settleMs: 200, idle: { clients: 1_000, heartbeatMs: 500 } },
  storm: { clients: 100, rate: 20, beforeMs: 1_000, afterMs: 500, payloadBytes: 200 },
  slow: { clients: 10, rate: 100, payloadBytes: 8_000, durationMs: 1_000 },
  ingest: { lines: 20_000, latency: { rate: 100, durationMs: 1_500 } },
  cluster: { appends: 500, payloadBytes: 200, resumeEvents: 100, resumeReads: 20 },
  dnstap: {
    captureSec: 1,
    captureQps: 10_000,
    replayFrames: 100_000,
    storeRows: 40_000,
    samplingSec: 2,
  },
  search: { rows: 200_000, days: 7, searches: 30 },
  namedCost: { seconds: 2, qps: 5_000 },
  live: { loadQps: 1_000, loadSec: 2, quietQueries: 5, quietGapMs: 300 },
  feeds: { domains: 50_000, compare: 5_000 },
  compression: { events: 5_000, readers: 1, thresholds: [16_384] },
};
