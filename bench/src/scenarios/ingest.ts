import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import WebSocket from 'ws';
import { AuthError, Hub, MemoryEventLog } from '@hdns/hub';
import { parseServerFrame, type EventFrameUnion } from '@hdns/protocol';
import { parseQueryLine } from '../../../apps/server/src/monitors/query-log-parser.js';
import { QueryStatsWindow } from '../../../apps/server/src/monitors/query-stats-window.js';
import { QueryStream } from '../../../apps/server/src/monitors/query-stream.js';
import type { BenchConfig } from '../config.js';
import { parseProbeName, probeName, queryLine } from '../ingest/query-lines.js';
import { Histogram } from '../load/histogram.js';
import { Child } from '../proc.js';
import { benchToken, nowMs, sleep } from '../shared.js';
import { tmpFile } from '../variants.js';
import type { Figures } from './common.js';

/**
 * Query-log ingest. No peer: neither raw ws nor Socket.IO reads BIND logs, so this scenario
 * reports ours against the bar only.
 *
 * 1. Throughput on one core (this process, per CPU-second), over the same 10,000 distinct
 *    real-format lines (every name and client distinct, like a random-subdomain flood):
 *    parse only; parse + the query_stats aggregation; and the whole QueryStream line handler
 *    (parse, aggregate, rate-sample, publish into a real Hub with no subscribers).
 * 2. Latency: a writer appends lines to a file that our server process tails with the app's
 *    default monitor settings; one WebSocket client subscribed to dns_query_log times each line
 *    from its write to its arrival.
 */
export async function ingest(cfg: BenchConfig): Promise<Figures> {
  return { ...(await throughput(cfg.ingest.lines)), ...(await latency(cfg)) };
}

/**
 * Lines per second of this process's CPU time (user + system), not wall time: on a shared
 * machine the wall clock also counts the time the process waited for a core.
 */
function linesPerSec(n: number, lines: string[], each: (line: string) => void): number {
  for (const l of lines) each(l); // JIT warm-up, not counted
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) each(lines[i % lines.length] ?? '');
  const used = process.cpuUsage(start);
  return n / ((used.user + used.system) / 1e6);
}

async function throughput(n: number): Promise<Figures> {
  const lines = Array.from({ length: 10_000 }, (_, i) => queryLine(i));
  const unparsed = lines.filter((l) => parseQueryLine(l) === null).length;
  if (unparsed > 0) throw new Error(`ingest: the parser rejected ${unparsed} real-format lines`);

  const parseOnly = linesPerSec(n, lines, (l) => parseQueryLine(l));
  const stats = new QueryStatsWindow({ maxWindowSec: 60 });
  const aggregate = linesPerSec(n, lines, (l) => {
    const q = parseQueryLine(l);
    if (q) stats.recordQuery(q);
  });
  const hub = new Hub({
    log: new MemoryEventLog(),
    verifyToken: () => Promise.reject(new AuthError('AUTH_FAILED', 'no clients here')),
  });
  // parseCapPerSec off: every line is parsed and counted, the cost the figure is about. The
  // rate sampler lets ~200 events/s through to hub.publish, whose appends finish in microtasks
  // after the measured loop: a few hundred appends against 500,000 lines, left out.
  const stream = new QueryStream(hub, { path: '/dev/null', parseCapPerSec: Infinity });
  const pipeline = linesPerSec(n, lines, (l) => stream.handleLine(l));
  await hub.close();
  return {
    parseLinesPerSec: parseOnly,
    parseAggregateLinesPerSec: aggregate,
    streamLinesPerSec: pipeline,
  };
}

async function latency(cfg: BenchConfig): Promise<Figures> {
  const { rate, durationMs } = cfg.ingest.latency;
  const logPath = tmpFile('query.log');
  writeFileSync(logPath, '');
  const child = Child.start(
    './servers/querylog-child.ts',
    { kind: 'ours', port: 0, sqlitePath: tmpFile('events.sqlite'), logPath },
    [],
    'server:ours+querylog',
  );
  const fd = openSync(logPath, 'a');
  let ws: WebSocket | undefined;
  try {
    const ready = await child.waitFor('ready');
    const written = new Map<number, number>();
    const hist = new Histogram();
    let received = 0;
    let protocolErrors = 0;
    const onQuery = (qname: string): void => {
      const n = parseProbeName(qname);
      const t = n === null ? undefined : written.get(n);
      if (n === null || t === undefined) return;
      written.delete(n);
      if (n > 0) {
        received++;
        hist.add(nowMs() - t);
      }
    };
    ws = await connect(Number(ready.port), onQuery, () => protocolErrors++);
    const write = (n: number): void => {
      written.set(n, nowMs());
      writeSync(fd, `${queryLine(n, probeName(n), new Date())}\n`);
    };
    // Warm-up: probe 0 is repeated until one arrives, so the tailer is open before timing.
    for (let tries = 0; written.size > 0 || tries === 0; tries++) {
      if (tries > 100) throw new Error('ingest: the query-log stream never delivered a line');
      write(0);
      await sleep(100);
    }
    const total = Math.round((rate * durationMs) / 1000);
    const start = performance.now();
    for (let n = 1; n <= total; n++) {
      const due = start + ((n - 1) * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      write(n);
    }
    const deadline = Date.now() + 5_000;
    while (received < total && Date.now() < deadline) await sleep(50);
    if (protocolErrors > 0) throw new Error(`ingest: ${protocolErrors} protocol errors`);
    return {
      latencyLines: total,
      latencyReceived: received,
      lineToClientP50Ms: hist.quantile(0.5),
      lineToClientP99Ms: hist.quantile(0.99),
      lineToClientMaxMs: hist.max,
    };
  } finally {
    ws?.terminate();
    closeSync(fd);
    await child.request({ op: 'exit' }).catch(() => undefined);
    await child.kill();
  }
}

/** One admin client subscribed to dns_query_log; resolves once welcomed. */
function connect(
  port: number,
  onQuery: (qname: string) => void,
  onProtocolError: () => void,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
    ws.on('open', () =>
      ws.send(
        JSON.stringify({
          type: 'hello',
          id: 'h1',
          protocol: 1,
          token: benchToken('querylog'),
          subscribe: ['dns_query_log'],
          client: { name: 'bench', instanceId: 'bench-querylog' },
        }),
      ),
    );
    ws.on('message', (raw: Buffer) => {
      // Parsed and validated like any client would; this client is not what is measured.
      const parsed = parseServerFrame(raw.toString());
      if (!parsed.ok) return onProtocolError();
      const frame = parsed.frame;
      if (frame.type === 'welcome') resolve(ws);
      else if (frame.type === 'batch') {
        for (const e of frame.events as EventFrameUnion[])
          if (e.event === 'dns_query_log') onQuery(e.data.qname);
      } else if (frame.type === 'ping') ws.send(JSON.stringify({ type: 'pong', ts: frame.ts }));
      else if (frame.type === 'error') onProtocolError();
    });
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`query-log client closed ${code}`)));
  });
}
