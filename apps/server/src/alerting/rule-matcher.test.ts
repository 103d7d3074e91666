import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '@hdns/hub';
import type { AlertRule } from '@hdns/protocol/rest';
import { isCritical } from './event-filter.js';
import { MAX_GROUPS_PER_RULE, MAX_TIMES_PER_RULE, RuleMatcher } from './rule-matcher.js';

let seq = 0;
function event(partial: Omit<Partial<LoggedEvent>, 'data'> & { data?: unknown }, atMs = 0) {
  seq += 1;
  return {
    id: `e${seq}`,
    seq,
    event: 'health_alert',
    category: 'health',
    priority: 'high',
    ts: new Date(1_700_000_000_000 + atMs).toISOString(),
    meta: {},
    data: { severity: 'warning', source: 'bind', message: 'm' },
    ...partial,
  } as LoggedEvent;
}

function rule(partial: Partial<AlertRule>): AlertRule {
  return {
    id: 'r1',
    name: 'r',
    enabled: true,
    match: {},
    threshold: null,
    channelIds: ['00000000-0000-4000-8000-000000000001'],
    escalation: null,
    createdAt: '',
    updatedAt: '',
    ...partial,
  };
}

describe('RuleMatcher', () => {
  it('filters by type, category, priority, severity, zone and source', () => {
    const m = new RuleMatcher();
    m.setRules([
      rule({ id: 'type', match: { types: ['zone_created'] } }),
      rule({ id: 'cat', match: { categories: ['health'] } }),
      rule({ id: 'prio', match: { minPriority: 'critical' } }),
      rule({ id: 'sev', match: { minSeverity: 'critical' } }),
      rule({ id: 'zone', match: { zones: ['example.test'] } }),
      rule({ id: 'src', match: { sources: ['monitor'] } }),
      rule({ id: 'node', match: { nodes: ['ns2'] } }),
      rule({ id: 'where', match: { where: { blocked: ['true'], rcode: ['NXDOMAIN', 'NODATA'] } } }),
      rule({ id: 'off', enabled: false }),
    ]);
    const ids = (e: LoggedEvent) =>
      m
        .match(e)
        .map((f) => f.rule.id)
        .sort();
    expect(ids(event({}))).toEqual(['cat']);
    expect(ids(event({ priority: 'critical', data: { severity: 'critical' } }))).toEqual([
      'cat',
      'prio',
      'sev',
    ]);
    expect(
      ids(
        event({
          event: 'zone_created',
          category: 'dns',
          meta: { zone: 'example.test', source: 'monitor' },
          data: {},
        }),
      ),
    ).toEqual(['src', 'type', 'zone']);
    const query = (data: Record<string, unknown>) =>
      event({ event: 'dns_query_log', category: 'query', priority: 'low', data });
    expect(ids(query({ node: 'ns2', blocked: true, rcode: 'NXDOMAIN' }))).toEqual([
      'node',
      'where',
    ]);
    expect(ids(query({ node: 'ns1', blocked: false, rcode: 'NXDOMAIN' }))).toEqual([]);
    expect(ids(query({ node: { name: 'ns2' }, rcode: 'NXDOMAIN' }))).toEqual([]);
    // A query published first as partial is matched only in its complete form.
    expect(ids(query({ node: 'ns2', blocked: true, rcode: 'NXDOMAIN', partial: true }))).toEqual(
      [],
    );
  });

  it('fires a threshold rule on the count-th event within the window, then counts afresh', () => {
    const m = new RuleMatcher();
    m.setRules([rule({ threshold: { kind: 'count', count: 3, windowSec: 10 } })]);
    const fired = [0, 1000, 2000, 3000, 4000, 5000].map((t) => m.match(event({}, t)).length);
    expect(fired).toEqual([0, 0, 1, 0, 0, 1]);
  });

  it('forgets events older than the window', () => {
    const m = new RuleMatcher();
    m.setRules([rule({ threshold: { kind: 'count', count: 2, windowSec: 1 } })]);
    expect(m.match(event({}, 0))).toHaveLength(0);
    expect(m.match(event({}, 1500))).toHaveLength(0);
    expect(m.match(event({}, 2000))).toHaveLength(1);
  });

  it('counts per groupBy value', () => {
    const m = new RuleMatcher();
    m.setRules([
      rule({ threshold: { kind: 'count', count: 2, windowSec: 60, groupBy: 'client' } }),
    ]);
    const hit = (client: string, t: number) => m.match(event({ data: { client } }, t)).length;
    expect([hit('a', 0), hit('b', 1), hit('a', 2), hit('b', 3)]).toEqual([0, 0, 1, 1]);
  });

  it('keeps a bounded number of groups per rule', () => {
    const m = new RuleMatcher();
    m.setRules([
      rule({ threshold: { kind: 'count', count: 5, windowSec: 3600, groupBy: 'client' } }),
    ]);
    for (let i = 0; i < MAX_GROUPS_PER_RULE + 500; i++)
      m.match(event({ data: { client: `c${i}` } }, i));
    expect(m.heldTimes()).toBe(MAX_GROUPS_PER_RULE);
  });

  it('keeps a bounded number of times per rule whatever count and groups allow', () => {
    const m = new RuleMatcher();
    m.setRules([
      rule({ threshold: { kind: 'count', count: 100_000, windowSec: 3600, groupBy: 'client' } }),
    ]);
    // 100 groups of 2,500 times: 250,000 would be held without the bound.
    for (let i = 0; i < 250_000; i++) m.match(event({ data: { client: `c${i % 100}` } }, i));
    expect(m.heldTimes()).toBeLessThanOrEqual(MAX_TIMES_PER_RULE);
    expect(m.heldTimes()).toBeGreaterThan(MAX_TIMES_PER_RULE - 2_600);
  });

  it('resets windows when a rule changes, keeps them when it does not', () => {
    const m = new RuleMatcher();
    const r = rule({ threshold: { kind: 'count', count: 2, windowSec: 60 } });
    m.setRules([r]);
    m.match(event({}, 0));
    m.setRules([{ ...r, name: 'renamed' }]);
    expect(m.match(event({}, 1))).toHaveLength(1);
    m.match(event({}, 2));
    m.setRules([{ ...r, threshold: { kind: 'count', count: 2, windowSec: 30 } }]);
    expect(m.match(event({}, 3))).toHaveLength(0);
  });

  it('reports what a count rule saw, per group', () => {
    const m = new RuleMatcher();
    m.setRules([
      rule({ threshold: { kind: 'count', count: 2, windowSec: 60, groupBy: 'client' } }),
    ]);
    m.match(event({ data: { client: 'a' } }, 0));
    expect(m.match(event({ data: { client: 'a' } }, 1))[0]?.observed).toEqual({
      kind: 'count',
      count: 2,
      windowSec: 60,
      group: 'a',
    });
  });

  describe('ratio', () => {
    const query = (rcode: string, t: number, node = 'ns1') =>
      event(
        { event: 'dns_query_log', category: 'query', priority: 'low', data: { rcode, node } },
        t,
      );
    const servfail = (extra: Partial<Extract<AlertRule['threshold'], { kind: 'ratio' }>> = {}) =>
      rule({
        match: { types: ['dns_query_log'] },
        threshold: {
          kind: 'ratio',
          when: { rcode: ['SERVFAIL'] },
          abovePercent: 5,
          windowSec: 60,
          forSec: 0,
          minEvents: 20,
          ...extra,
        },
      });

    it('fires once when the share passes the bar with enough events, again after it fell back', () => {
      const m = new RuleMatcher();
      m.setRules([servfail()]);
      const fired: number[] = [];
      // 100 answers over 10 s, every 10th a SERVFAIL (10 % > 5 %): fires at the 20th event.
      for (let i = 0; i < 100; i++) {
        if (m.match(query(i % 10 === 9 ? 'SERVFAIL' : 'NOERROR', i * 100)).length > 0)
          fired.push(i);
      }
      expect(fired).toEqual([19]);
      // 60 s later the old events left the window; clean answers keep it under the bar.
      for (let i = 0; i < 100; i++) {
        expect(m.match(query('NOERROR', 70_000 + i * 100))).toEqual([]);
      }
      const again = [] as number[];
      for (let i = 0; i < 100; i++) {
        if (m.match(query('SERVFAIL', 80_000 + i * 100)).length > 0) again.push(i);
      }
      expect(again).toHaveLength(1);
    });

    it('waits forSec above the bar, and an episode that ends sooner does not fire', () => {
      const m = new RuleMatcher();
      m.setRules([servfail({ forSec: 120, minEvents: 1 })]);
      const at = (rcode: string, s: number) => m.match(query(rcode, s * 1000));
      // Above the bar for 40 s, then clean answers pull it under (at 97 s, before 120 s).
      for (let s = 0; s <= 40; s++) expect(at('SERVFAIL', s)).toEqual([]);
      for (let s = 41; s < 240; s++) expect(at('NOERROR', s)).toEqual([]);
      // Then above for good: fires once the share has been above for 120 s.
      const fired: number[] = [];
      for (let s = 240; s < 500; s++) {
        const f = at('SERVFAIL', s);
        if (f.length > 0) {
          fired.push(s);
          expect(f[0]?.observed).toMatchObject({ kind: 'ratio', percent: 100, heldSec: 120 });
        }
      }
      // Above from 243 s (4 SERVFAIL in the 60 s window: 6.7 %), so 120 s later.
      expect(fired).toEqual([363]);
    });

    it('keeps the share per group', () => {
      const m = new RuleMatcher();
      m.setRules([servfail({ groupBy: 'node', minEvents: 10 })]);
      const fired: string[] = [];
      for (let i = 0; i < 50; i++) {
        for (const f of m.match(query('NOERROR', i * 10, 'ns1')))
          fired.push(f.observed?.group ?? '');
        for (const f of m.match(query('SERVFAIL', i * 10 + 1, 'ns2')))
          fired.push(f.observed?.group ?? '');
      }
      expect(fired).toEqual(['ns2']);
    });
  });

  describe('held', () => {
    const status = (to: string, t: number, forwarderId = 'f1') =>
      event(
        {
          event: 'forwarder_status_change',
          category: 'health',
          priority: 'high',
          data: { forwarderId, to },
        },
        t,
      );
    const down = () =>
      rule({
        match: { types: ['forwarder_status_change'] },
        threshold: { kind: 'held', when: { to: ['down'] }, forSec: 60, groupBy: 'forwarderId' },
      });

    it('fires with the starting event once the state lasted, by time alone', () => {
      const m = new RuleMatcher();
      m.setRules([down()]);
      const start = status('down', 0);
      expect(m.match(start)).toEqual([]);
      expect(m.due(Date.parse(start.ts) + 59_000)).toEqual([]);
      const fired = m.due(Date.parse(start.ts) + 60_500);
      expect(fired).toHaveLength(1);
      expect(fired[0]?.event.id).toBe(start.id);
      expect(fired[0]?.observed).toMatchObject({ kind: 'held', heldSec: 60.5, group: 'f1' });
      // Once per state: later polls and repeated "down" events add nothing.
      expect(m.due(Date.parse(start.ts) + 120_000)).toEqual([]);
      expect(m.match(status('down', 130_000))).toEqual([]);
    });

    it('an event of the group that ends the state stops the clock; other groups run on', () => {
      const m = new RuleMatcher();
      m.setRules([down()]);
      const t0 = Date.parse(status('down', 0).ts);
      m.match(status('down', 0, 'f1'));
      m.match(status('down', 10_000, 'f2'));
      m.match(status('healthy', 30_000, 'f1'));
      const fired = m.due(t0 + 75_000);
      expect(fired.map((f) => f.observed?.group)).toEqual(['f2']);
      // f1 goes down again: a new state, a new alert after its own 60 s.
      m.match(status('down', 80_000, 'f1'));
      expect(m.due(t0 + 130_000)).toEqual([]);
      expect(m.due(t0 + 141_000).map((f) => f.observed?.group)).toEqual(['f1']);
    });

    it('fires on a later event when its time already passed (reading the log after a pause)', () => {
      const m = new RuleMatcher();
      m.setRules([down()]);
      m.match(status('down', 0));
      expect(m.match(status('down', 61_000))).toHaveLength(1);
    });
  });

  it('calls an event critical by priority or severity', () => {
    expect(isCritical(event({ priority: 'critical' }))).toBe(true);
    expect(isCritical(event({ data: { severity: 'critical' } }))).toBe(true);
    expect(isCritical(event({}))).toBe(false);
  });
});
