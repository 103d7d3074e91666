import { readFileSync } from 'node:fs';
import dnsPacket, { type Answer } from 'dns-packet';
import { AuthError, Hub, MemoryEventLog } from '@hdns/hub';
import {
  decodeDnstap,
  emptyMessage,
  MessageType,
} from '../../../apps/server/src/dnstap/dnstap-message.js';
import { summarizeResponse } from '../../../apps/server/src/dnstap/dns-wire-summary.js';
import { QueryPairer } from '../../../apps/server/src/dnstap/query-pairer.js';
import { parseQueryLine } from '../../../apps/server/src/monitors/query-log-parser.js';
import { QueryStatsWindow } from '../../../apps/server/src/monitors/query-stats-window.js';
import { QueryStream } from '../../../apps/server/src/monitors/query-stream.js';
import type { QueryFacts } from '../../../apps/server/src/queries/query-facts.js';
import type { BenchConfig } from '../config.js';
import type { Figures } from './common.js';
import { dnsperf, recordFrames, settle, startNamed, writeQueryFile } from './named-rig.js';

/**
 * dnstap ingest (issue 15), from real traffic: a real named answers dnsperf for a few seconds
 * with dnstap (the app's renderDnstapOptions) and the text query log both on; a Frame Streams
 * reader keeps every raw data frame, and named's query log keeps its lines. Both are then
 * replayed in this process, per CPU-second of this process:
 *
 * - dnstap: frames decoded; decoded + paired + summarized (QueryPairer, the listener's path);
 *   the same + aggregated (QueryStatsWindow.recordFacts, the bar: 300,000 frames/CPU-s); and the
 *   whole QueryStream.handleAnswer (aggregate, sinks, sampled publish into a Hub);
 * - the text log of the same queries: lines parsed + aggregated (recordQuery), and the whole
 *   QueryStream.handleLine: today's path, side by side;
 * - the answer summary alone, the hand parser against dns-packet (what it replaced);
 *
 * The query store's figures use the same capture's facts (query-store.ts).
 */

function perCpuSec(n: number, each: (i: number) => void, warm = Math.min(n, 20_000)): number {
  for (let i = 0; i < warm; i++) each(i); // JIT warm-up, not counted
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) each(i);
  const used = process.cpuUsage(start);
  return n / ((used.user + used.system) / 1e6);
}

/** The old response summary: dns-packet decodes the whole message (kept here for the comparison). */
function dnsPacketSummary(response: Buffer): string {
  const answers: Answer[] = dnsPacket.decode(response).answers ?? [];
  let out = '';
  for (const a of answers) {
    let data = '';
    if (a.type === 'OPT') continue;
    if (typeof a.data === 'string') data = a.data.toLowerCase();
    else if (a.type === 'MX') data = `${a.data.preference ?? 0} ${a.data.exchange.toLowerCase()}`;
    else if (a.type === 'SRV')
      data = `${a.data.priority ?? 0} ${a.data.weight ?? 0} ${a.data.port} ${a.data.target}`;
    else if (a.type === 'SOA') data = a.data.mname.toLowerCase();
    else if (a.type === 'TXT') data = JSON.stringify(String(a.data));
    const part = data ? `${a.type} ${data}` : a.type;
    out = out ? `${out}, ${part}` : part;
    if (out.length >= 256) return out.slice(0, 256);
  }
  return out;
}

export interface Capture {
  frames: Buffer[];
  /** named's text query log of the same traffic. */
  lines: string[];
  /** The facts the pairer makes of the frames (the query store's input). */
  facts: QueryFacts[];
  completed: number;
  qps: number;
}

/** Real frames and log lines: a named with dnstap and the text log, under dnsperf. */
export async function captureDnstap(cfg: BenchConfig): Promise<Capture> {
  const recorder = await recordFrames(true);
  // The app's fstrm settings (fstrm's default notify threshold: a threshold near the queue size
  // made named drop frames above ~2,000 queries/s); the replay needs every query's pair.
  const named = await startNamed({
    dnstapSocket: recorder.socket,
    textLog: true,
    fstrm: ['fstrm-set-flush-timeout 1;'],
  });
  let frames: Buffer[];
  let lines: string[];
  let perf: { completed: number; qps: number };
  try {
    // named connects to the reader at start; the readiness dig's frames prove it did.
    await settle(recorder.count, 1_200, 10_000);
    if (recorder.count() === 0) throw new Error('dnstap: named never connected to the reader');
    const before = recorder.frames.length;
    const linesBefore = readFileSync(named.queryLog, 'utf8').split('\n').filter(Boolean).length;
    perf = await dnsperf(
      named.port,
      writeQueryFile(),
      cfg.dnstap.captureSec,
      cfg.dnstap.captureQps,
    );
    await settle(recorder.count, 2_200);
    frames = recorder.frames.slice(before);
    lines = readFileSync(named.queryLog, 'utf8').split('\n').filter(Boolean).slice(linesBefore);
  } finally {
    await named.stop();
    await recorder.stop();
  }
  const facts: QueryFacts[] = [];
  const pairer = new QueryPairer({ rpzZones: () => [], onQuery: (f) => facts.push(f) });
  for (const f of frames) {
    const m = decodeDnstap(f);
    if (m === null) throw new Error('dnstap: a captured frame did not decode');
    pairer.push(m);
  }
  if (facts.length === 0 || lines.length === 0) {
    throw new Error(
      `dnstap: ${frames.length} frames, ${facts.length} facts, ${lines.length} lines`,
    );
  }
  return { frames, lines, facts, completed: perf.completed, qps: perf.qps };
}

function newHub(): Hub {
  return new Hub({
    log: new MemoryEventLog(),
    verifyToken: () => Promise.reject(new AuthError('AUTH_FAILED', 'no clients here')),
  });
}

/**
 * The dnstap path over the captured frames. Per-query figures divide by the frames a query
 * takes (CLIENT_QUERY + CLIENT_RESPONSE, or AUTH_*): frames / answered facts.
 */
export async function dnstapThroughput(c: Capture, n: number): Promise<Figures> {
  const { frames } = c;
  const nf = frames.length;
  const framesPerQuery = nf / c.facts.length;
  const responses = frames
    .map((f) => decodeDnstap(f))
    .filter((m) => m?.type === MessageType.AUTH_RESPONSE || m?.type === MessageType.CLIENT_RESPONSE)
    .map((m) => m?.responseMessage)
    .filter((b): b is Buffer => b instanceof Buffer);

  // As the listener decodes: into one reused message object.
  const scratch = emptyMessage();
  const decodeOnly = perCpuSec(n, (i) => decodeDnstap(frames[i % nf]!, scratch));
  let sink = 0;
  // Each pass re-pairs the same (address, port, id) keys, as named's traffic would.
  const pairer = new QueryPairer({ rpzZones: () => [], onQuery: () => sink++ });
  const decodePair = perCpuSec(n, (i) => {
    const m = decodeDnstap(frames[i % nf]!, scratch);
    if (m) pairer.push(m);
  });
  const stats = new QueryStatsWindow({ maxWindowSec: 60 });
  const aggPairer = new QueryPairer({ rpzZones: () => [], onQuery: (f) => stats.recordFacts(f) });
  const decodePairAggregate = perCpuSec(n, (i) => {
    const m = decodeDnstap(frames[i % nf]!, scratch);
    if (m) aggPairer.push(m);
  });
  const hub = newHub();
  const stream = new QueryStream(hub, { parseCapPerSec: Infinity });
  const streamPairer = new QueryPairer({
    rpzZones: () => [],
    onQuery: (f) => stream.handleAnswer(f),
  });
  const streamFrames = perCpuSec(n, (i) => {
    const m = decodeDnstap(frames[i % nf]!, scratch);
    if (m) streamPairer.push(m);
  });
  await hub.close();
  if (sink === 0) throw new Error('dnstap: the pairer produced no facts');
  const nr = responses.length;
  return {
    input: nf,
    queries: c.facts.length,
    itemsPerQuery: framesPerQuery,
    decodePerCpuSec: decodeOnly,
    decodePairPerCpuSec: decodePair,
    decodeAggregatePerCpuSec: decodePairAggregate,
    queriesAggregatedPerCpuSec: decodePairAggregate / framesPerQuery,
    streamPerCpuSec: streamFrames,
    queriesStreamedPerCpuSec: streamFrames / framesPerQuery,
    answerSummaryHandPerCpuSec: perCpuSec(n / 2, (i) =>
      summarizeResponse(responses[i % nr]!, null, false, []),
    ),
    answerSummaryDnsPacketPerCpuSec: perCpuSec(n / 2, (i) => dnsPacketSummary(responses[i % nr]!)),
  };
}

/** The text query log of the same traffic: today's path (one line per query). */
export async function textLogThroughput(c: Capture, n: number): Promise<Figures> {
  const { lines } = c;
  const nl = lines.length;
  const unparsed = lines.filter((l) => parseQueryLine(l) === null).length;
  if (unparsed > 0) throw new Error(`dnstap: the parser rejected ${unparsed} of named's lines`);
  const parseOnly = perCpuSec(n, (i) => parseQueryLine(lines[i % nl]!));
  const stats = new QueryStatsWindow({ maxWindowSec: 60 });
  const aggregate = perCpuSec(n, (i) => {
    const q = parseQueryLine(lines[i % nl]!);
    if (q) stats.recordQuery(q);
  });
  const hub = newHub();
  const stream = new QueryStream(hub, { path: '/dev/null', parseCapPerSec: Infinity });
  const streamLines = perCpuSec(n, (i) => stream.handleLine(lines[i % nl]!));
  await hub.close();
  return {
    input: nl,
    queries: nl,
    itemsPerQuery: 1,
    decodePerCpuSec: parseOnly,
    decodeAggregatePerCpuSec: aggregate,
    queriesAggregatedPerCpuSec: aggregate,
    streamPerCpuSec: streamLines,
    queriesStreamedPerCpuSec: streamLines,
  };
}
