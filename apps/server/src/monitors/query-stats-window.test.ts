import { describe, expect, it } from 'vitest';
import { parseEventData } from '@hdns/protocol';
import { QueryStatsWindow } from './query-stats-window.js';

describe('QueryStatsWindow', () => {
  it('counts complete seconds of the window, ranks names and clients, expires old buckets', () => {
    let now = 10_000_000;
    const w = new QueryStatsWindow({ maxWindowSec: 60, topN: 2, now: () => now });
    const q = (qname: string, clientIp = '10.0.0.1', qtype = 'A') => ({ qname, clientIp, qtype });
    for (let i = 0; i < 30; i++) w.recordQuery(q('WWW.example.test'));
    for (let i = 0; i < 10; i++) w.recordQuery(q('api.example.test', '10.0.0.2', 'AAAA'));
    w.recordQuery(q('rare.example.test', '10.0.0.3'));
    w.recordBlocked();
    expect(w.snapshot(60).total).toBe(0); // the current second is not complete yet
    now += 1000;
    const s = w.snapshot(60);
    expect(s).toMatchObject({
      windowSec: 60,
      total: 41,
      qps: 41,
      blocked: 1,
      qtypes: { A: 31, AAAA: 10 },
      sampled: false,
      topDomains: [
        { name: 'www.example.test', count: 30 },
        { name: 'api.example.test', count: 10 },
      ],
      topClients: [
        { ip: '10.0.0.1', count: 30 },
        { ip: '10.0.0.2', count: 10 },
      ],
    });
    expect(parseEventData('query_stats', s).ok).toBe(true);
    now += 1000;
    expect(w.snapshot(1).total).toBe(0);
    expect(w.snapshot(60).qps).toBe(20.5);
    now += 61_000;
    expect(w.snapshot(60).total).toBe(0);
    w.recordUnparsed();
    now += 1000;
    expect(w.snapshot(60)).toMatchObject({ total: 1, sampled: true });
  });
});
