import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '@hdns/hub';
import type { AlertRule } from '@hdns/protocol/rest';
import {
  isCritical,
  MAX_GROUPS_PER_RULE,
  MAX_TIMES_PER_RULE,
  RuleMatcher,
} from './rule-matcher.js';

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
      rule({ id: 'off', enabled: false }),
    ]);
    const ids = (e: LoggedEvent) =>
      m
        .match(e)
        .map((r) => r.id)
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
  });

  it('fires a threshold rule on the count-th event within the window, then counts afresh', () => {
    const m = new RuleMatcher();
    m.setRules([rule({ threshold: { count: 3, windowSec: 10 } })]);
    const fired = [0, 1000, 2000, 3000, 4000, 5000].map((t) => m.match(event({}, t)).length);
    expect(fired).toEqual([0, 0, 1, 0, 0, 1]);
  });

  it('forgets events older than the window', () => {
    const m = new RuleMatcher();
    m.setRules([rule({ threshold: { count: 2, windowSec: 1 } })]);
    expect(m.match(event({}, 0))).toHaveLength(0);
    expect(m.match(event({}, 1500))).toHaveLength(0);
    expect(m.match(event({}, 2000))).toHaveLength(1);
  });

  it('counts per groupBy value', () => {
    const m = new RuleMatcher();
    m.setRules([rule({ threshold: { count: 2, windowSec: 60, groupBy: 'client' } })]);
    const hit = (client: string, t: number) => m.match(event({ data: { client } }, t)).length;
    expect([hit('a', 0), hit('b', 1), hit('a', 2), hit('b', 3)]).toEqual([0, 0, 1, 1]);
  });

  it('keeps a bounded number of groups per rule', () => {
    const m = new RuleMatcher();
    m.setRules([rule({ threshold: { count: 5, windowSec: 3600, groupBy: 'client' } })]);
    for (let i = 0; i < MAX_GROUPS_PER_RULE + 500; i++)
      m.match(event({ data: { client: `c${i}` } }, i));
    expect(m.heldTimes()).toBe(MAX_GROUPS_PER_RULE);
  });

  it('keeps a bounded number of times per rule whatever count and groups allow', () => {
    const m = new RuleMatcher();
    m.setRules([rule({ threshold: { count: 100_000, windowSec: 3600, groupBy: 'client' } })]);
    // 100 groups of 2,500 times: 250,000 would be held without the bound.
    for (let i = 0; i < 250_000; i++) m.match(event({ data: { client: `c${i % 100}` } }, i));
    expect(m.heldTimes()).toBeLessThanOrEqual(MAX_TIMES_PER_RULE);
    expect(m.heldTimes()).toBeGreaterThan(MAX_TIMES_PER_RULE - 2_600);
  });

  it('resets windows when a rule changes, keeps them when it does not', () => {
    const m = new RuleMatcher();
    const r = rule({ threshold: { count: 2, windowSec: 60 } });
    m.setRules([r]);
    m.match(event({}, 0));
    m.setRules([{ ...r, name: 'renamed' }]);
    expect(m.match(event({}, 1))).toHaveLength(1);
    m.match(event({}, 2));
    m.setRules([{ ...r, threshold: { count: 2, windowSec: 30 } }]);
    expect(m.match(event({}, 3))).toHaveLength(0);
  });

  it('calls an event critical by priority or severity', () => {
    expect(isCritical(event({ priority: 'critical' }))).toBe(true);
    expect(isCritical(event({ data: { severity: 'critical' } }))).toBe(true);
    expect(isCritical(event({}))).toBe(false);
  });
});
