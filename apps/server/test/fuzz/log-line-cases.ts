import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { parseEventData, type EventType } from '@hdns/protocol';
import { Hub, MemoryEventLog } from '@hdns/hub';
import { parseBindTime, parseClientPrefix } from '../../src/monitors/bind-log-prefix.js';
import { LineSplitter } from '../../src/monitors/line-splitter.js';
import type { EventPublisher } from '../../src/monitors/monitor-types.js';
import { parseQueryLine } from '../../src/monitors/query-log-parser.js';
import { parseRpzLine } from '../../src/monitors/rpz-log-parser.js';
import { QueryStream } from '../../src/monitors/query-stream.js';
import { RpzStream, threatPayload } from '../../src/monitors/rpz-stream.js';
import { XferLogParser } from '../../src/monitors/xfer-log-parser.js';
import { defineTarget, FuzzFailure } from './fuzz-target.js';
import { logLine } from './log-line-arb.js';

/**
 * Log lines for every parser in src/monitors/ (bind-log-prefix, query-log-parser,
 * rpz-log-parser, xfer-log-parser, line-splitter). In process: the parsers never throw, and what they return is
 * what the catalogue accepts (the streams publish it as is). Then through real files tailed by
 * the real QueryStream and RpzStream into a real Hub: no event is refused and a sentinel line
 * written after the fuzzed ones still comes out, so the tailer survived them.
 */

function mustPublish(type: EventType, data: unknown, line: string): void {
  const parsed = parseEventData(type, data);
  if (!parsed.ok)
    throw new FuzzFailure(
      `${type} from ${JSON.stringify(line.slice(0, 300))} is refused: ${parsed.message}`,
    );
}

/** One parser across every case, as the stream keeps one across named.log's lines. */
const xfer = new XferLogParser();

function checkLine(line: string): void {
  const t = xfer.push(line);
  if (t) {
    const { ts: _ts, ...transfer } = t;
    mustPublish('zone_transfer', transfer, line);
  }
  parseBindTime(line);
  parseClientPrefix(line);
  const q = parseQueryLine(line);
  if (q) mustPublish('dns_query_log', q, line);
  const hit = parseRpzLine(line);
  if (hit && !hit.disabled) {
    mustPublish('threat_detected', threatPayload(hit, 'custom'), line);
  }
}

/** LineSplitter gives the same lines however the bytes are cut into chunks. */
function checkSplitter(lines: string[], cuts: number[]): void {
  const bytes = Buffer.from(`${lines.join('\n')}\n`);
  const expected = bytes
    .toString('utf8')
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.length <= 64 * 1024)
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const got: string[] = [];
  const splitter = new LineSplitter((l) => got.push(l));
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b)) {
    splitter.push(bytes.subarray(from, cut));
    from = cut;
  }
  splitter.push(bytes.subarray(from));
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new FuzzFailure(
      `LineSplitter gave ${got.length} lines for ${expected.length} (cuts ${cuts.join(',')})`,
    );
  }
}

export const logParserTarget = defineTarget({
  name: 'log-line parsers (in process)',
  runs: 2500,
  touchesServer: false,
  arbitrary: () =>
    fc.record({
      lines: fc.array(logLine, { minLength: 1, maxLength: 5 }),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
    }),
  run(_server, c) {
    for (const line of c.lines) checkLine(line);
    checkSplitter(c.lines, c.cuts);
    return Promise.resolve();
  },
});

/** Real files, tailed by the real streams, publishing into a real hub (made on first use). */
class TailedLogs {
  private n = 0;
  private readonly refused: string[] = [];
  private readonly waiting = new Map<string, () => void>();
  private constructor(
    private readonly dir: string,
    private readonly hub: Hub,
    private readonly stops: (() => Promise<void>)[],
  ) {}

  static async open(): Promise<TailedLogs> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hdns-fuzz-logs-'));
    const hub = new Hub({
      log: new MemoryEventLog(),
      verifyToken: () => Promise.reject(new Error('no clients')),
    });
    const logs: TailedLogs = new TailedLogs(dir, hub, []);
    const publisher: EventPublisher = {
      publish: async (type, data, options) => {
        try {
          const logged = await hub.publish(type, data, options);
          const qname = (logged.data as { qname?: unknown }).qname;
          if (typeof qname === 'string') logs.waiting.get(qname)?.();
          return logged;
        } catch (err) {
          logs.refused.push(`${type}: ${err instanceof Error ? err.message : String(err)}`);
          throw err;
        }
      },
    };
    await writeFile(path.join(dir, 'query.log'), '');
    await writeFile(path.join(dir, 'rpz.log'), '');
    const common = { from: 'start' as const, pollIntervalMs: 10, maxEventsPerSec: 1_000_000 };
    logs.stops.push(
      new QueryStream(publisher, {
        ...common,
        path: path.join(dir, 'query.log'),
        parseCapPerSec: 1_000_000,
        statsIntervalMs: 200,
      }).start(),
      new RpzStream(publisher, { ...common, path: path.join(dir, 'rpz.log') }).start(),
    );
    return logs;
  }

  /** Appends `lines` and a sentinel to both files; resolves once both sentinels are events. */
  async feed(lines: string[]): Promise<void> {
    const id = `sentinel-${++this.n}.fuzz.test`;
    const prefix = `04-Dec-2026 18:00:00.000 queries: info: client @0x1 127.0.0.1#5353 (${id}): `;
    // One event from each file carries the sentinel's name.
    const arrived = this.expect(id);
    const body = lines.map((l) => `${l}\n`).join('');
    await appendFile(
      path.join(this.dir, 'query.log'),
      `${body}\n${prefix}query: ${id} IN A +E(0)K (127.0.0.1)\n`,
    );
    await appendFile(
      path.join(this.dir, 'rpz.log'),
      `${body}\n${prefix}rpz QNAME NXDOMAIN rewrite ${id}/A/IN via ${id}.rpz.local\n`,
    );
    await arrived;
    if (this.refused.length > 0)
      throw new FuzzFailure(
        `the hub refused monitor events: ${this.refused.slice(0, 3).join('; ')}`,
      );
  }

  private expect(qname: string): Promise<void> {
    let count = 0;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new FuzzFailure(`sentinel ${qname} never came out of the tailed logs`)),
        10_000,
      );
      this.waiting.set(qname, () => {
        if (++count < 2) return;
        clearTimeout(timer);
        this.waiting.delete(qname);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.stops.map((stop) => stop()));
    await this.hub.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

let tailed: Promise<TailedLogs> | null = null;

export const tailedLogTarget = defineTarget({
  name: 'log lines through tailed files',
  runs: 60,
  touchesServer: false,
  arbitrary: () => fc.array(logLine, { minLength: 1, maxLength: 30 }),
  async run(_server, lines) {
    tailed ??= TailedLogs.open();
    await (await tailed).feed(lines);
  },
  async close() {
    const t = tailed;
    tailed = null;
    if (t) await (await t).close();
  },
});
