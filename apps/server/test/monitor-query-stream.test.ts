import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventType } from '@hdns/protocol';
import { waitFor, sleep, logged, type TypedLoggedEvent } from '@hdns/testkit';
import { QueryStream } from '../src/monitors/query-stream.js';
import { monitorFixture } from './monitor-fixture.js';

/** A real hub and real files: lines appended the way BIND writes them → published events. */

const f = monitorFixture('hdns-qs-');

function bindTime(d: Date): string {
  const mon = d.toLocaleString('en-US', { month: 'short' });
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getDate())}-${mon}-${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function queryLine(i: number, name = `host${i % 5}.example.test`, ip = `192.0.2.${i % 3}`): string {
  return `${bindTime(new Date())} queries: info: client @0x7fc949ede098 ${ip}#${10000 + i} (${name}): query: ${name} IN ${i % 4 === 0 ? 'AAAA' : 'A'} +E(0)K (127.0.0.1)\n`;
}

function events<T extends EventType>(type: T): Promise<TypedLoggedEvent<T>[]> {
  return logged(f.hub.log, type);
}

describe('QueryStream', () => {
  it('publishes one dns_query_log per line and query_stats with the right counts', async () => {
    const file = path.join(f.dir, 'query.log');
    await writeFile(file, queryLine(999, 'before.start.test'));
    const stream = new QueryStream(f.hub, {
      path: file,
      pollIntervalMs: 20,
      statsIntervalMs: 200,
      statsWindowsSec: [60],
    });
    f.track(stream.start());
    await sleep(100);
    let text = '';
    for (let i = 0; i < 50; i++) text += queryLine(i);
    text += 'garbage line that is not a query\n';
    await appendFile(file, text);
    const logs = await waitFor(async () => {
      const e = await events('dns_query_log');
      return e.length >= 50 ? e : undefined;
    });
    expect(logs).toHaveLength(50);
    expect(logs[0]?.data).toMatchObject({
      clientIp: '192.0.2.0',
      clientPort: 10000,
      qname: 'host0.example.test',
      qtype: 'AAAA',
      flags: '+E(0)K',
    });
    expect(logs[0]?.priority).toBe('low');
    expect(logs[0]?.meta.source).toBe('monitor:query-log');
    expect(logs.some((e) => 'sampled' in e.data)).toBe(false);
    const stats = await waitFor(async () => {
      const all = await events('query_stats');
      return all.map((e) => e.data).find((d) => d.total === 50);
    });
    expect(stats).toMatchObject({
      windowSec: 60,
      total: 50,
      blocked: 0,
      qtypes: { A: 37, AAAA: 13 },
      sampled: false,
      topDomains: expect.arrayContaining([{ name: 'host0.example.test', count: 10 }]),
      topClients: expect.arrayContaining([{ ip: '192.0.2.0', count: 17 }]),
    });
    expect(stats.topDomains).toHaveLength(5);
  });

  it('switches to sampling above the cap, says so, and keeps the statistics exact', async () => {
    const file = path.join(f.dir, 'query.log');
    await writeFile(file, '');
    const cap = 20;
    const stream = new QueryStream(f.hub, {
      path: file,
      pollIntervalMs: 20,
      statsIntervalMs: 200,
      statsWindowsSec: [60],
      maxEventsPerSec: cap,
      samplingQuietSec: 1,
    });
    f.track(stream.start());
    await sleep(100);
    // ~500 lines/s for 2.5 s, then quiet.
    let n = 0;
    for (let batch = 0; batch < 25; batch++) {
      let text = '';
      for (let k = 0; k < 50; k++) text += queryLine(n++);
      await appendFile(file, text);
      await sleep(100);
    }
    const stats = await waitFor(async () => {
      const all = await events('query_stats');
      return all.map((e) => e.data).find((d) => d.total === n);
    });
    expect(stats.sampled).toBe(false);
    const logs = await events('dns_query_log');
    expect(logs.length).toBeLessThan(n / 4);
    const factors = logs.map((e) => e.data.sampled ?? 1);
    expect(Math.max(...factors)).toBeGreaterThan(1);
    // No second carried more than the cap.
    const perSecond = new Map<number, number>();
    for (const e of logs) {
      const s = Math.floor(Date.parse(e.ts) / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(cap + 1);
    const alerts = await waitFor(async () => {
      const all = (await events('health_alert')).filter((e) => e.data.source === 'query_log');
      return all.length >= 2 ? all : undefined;
    });
    expect(alerts[0]?.data).toMatchObject({ severity: 'info', threshold: cap });
    expect(alerts[0]?.data.message).toMatch(/sampled, 1 in \d+/);
    expect(alerts[1]?.data).toMatchObject({ resolved: true });
    expect(alerts).toHaveLength(2);
  });
});
