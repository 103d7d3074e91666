import { describe, expect, it } from 'vitest';
import type { QueryFacts } from '../queries/query-facts.js';
import { answeredQuery } from '../queries/query-facts-fixture.js';
import { publishRecorder } from './publish-recorder-fixture.js';
import { OwnProbeRegistry } from './own-probes.js';
import { QueryStream } from './query-stream.js';

/** The stream's live query events. */
function recorder() {
  const r = publishRecorder();
  return { hub: r.hub, queryLogs: () => r.of<QueryFacts>('dns_query_log') };
}

const NOW = Date.UTC(2025, 0, 1);

/** A text query-log line as named 9.18 writes it. */
const logLine = (ip: string, port: number, name: string, type = 'SOA') =>
  `01-Jan-2025 00:00:00.000 queries: info: client @0x7fc949ede098 ${ip}#${port} (${name}): query: ${name} IN ${type} -E(0)K (127.0.0.1)`;

function setup(merge: boolean) {
  const rec = recorder();
  const clock = { t: NOW };
  const now = () => clock.t;
  const ownProbes = new OwnProbeRegistry({ now });
  ownProbes.hold(41000, 'zone.test');
  const seen = { queries: [] as QueryFacts[], own: [] as QueryFacts[] };
  const stream = new QueryStream(rec.hub, {
    ownProbes,
    now,
    statsWindowsSec: [60],
    ...(merge ? { merge: { holdMs: 0 } } : {}),
    sinks: [{ onQuery: (f) => seen.queries.push(f), onOwnProbe: (f) => seen.own.push(f) }],
  });
  /** The statistics of the last minute, the current second complete. */
  const stats = () => {
    clock.t += 1000;
    return stream.stats.snapshot(60);
  };
  return { rec, stream, seen, stats };
}

describe('QueryStream and the server’s own probes', () => {
  it('drops a registered loopback probe from events, statistics and sinks, and counts it', () => {
    const { rec, stream, seen, stats } = setup(false);
    const probe = answeredQuery({
      clientIp: '127.0.0.1',
      clientPort: 41000,
      qname: 'zone.test',
      qtype: 'SOA',
      tsMs: NOW,
    });
    stream.handleAnswer(probe);
    stream.handleLine(logLine('127.0.0.1', 41000, 'zone.test'));
    // Same port and name from elsewhere, or another loopback port: user traffic.
    stream.handleAnswer({ ...probe, clientIp: '192.0.2.5' });
    stream.handleLine(logLine('127.0.0.1', 41001, 'zone.test'));
    expect(stream.counters.ownProbes).toBe(2);
    expect(seen.own).toHaveLength(2);
    expect(seen.queries.map((f) => `${f.clientIp}#${f.clientPort}`)).toEqual([
      '192.0.2.5#41000',
      '127.0.0.1#41001',
    ]);
    expect(rec.queryLogs().map((d) => `${d.clientIp}#${d.clientPort}`)).toEqual([
      '192.0.2.5#41000',
      '127.0.0.1#41001',
    ]);
    expect(stats()).toMatchObject({ total: 2 });
  });

  it('beside dnstap, drops both the log line and the dnstap facts, counting the query once', () => {
    const { rec, stream, seen, stats } = setup(true);
    stream.handleLine(logLine('127.0.0.1', 41000, 'zone.test'));
    stream.handleAnswer(
      answeredQuery({ clientIp: '127.0.0.1', clientPort: 41000, qname: 'zone.test', tsMs: NOW }),
    );
    expect(stream.counters.ownProbes).toBe(1);
    expect(seen.queries).toEqual([]);
    expect(rec.queryLogs()).toEqual([]);
    expect(stats()).toMatchObject({ total: 0 });
  });
});
