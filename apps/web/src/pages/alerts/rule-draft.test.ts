import { describe, expect, it } from 'vitest';
import type { AlertRule } from '@hdns/protocol/rest';
import {
  DraftError,
  draftFromRule,
  emptyDraft,
  everyEventWarning,
  parseWhere,
  ruleBody,
} from './rule-draft';

const CH = '00000000-0000-4000-8000-00000000000a';
const ESC = '00000000-0000-4000-8000-00000000000b';

function rule(over: Partial<AlertRule>): AlertRule {
  return {
    id: 'r1',
    name: 'r',
    enabled: true,
    match: {},
    threshold: null,
    channelIds: [CH],
    escalation: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

describe('rule draft', () => {
  it('round-trips each condition kind and the match fields through the form', () => {
    const rules = [
      rule({
        match: { types: ['dns_query_log'], nodes: ['ns1'], where: { blocked: ['true'] } },
        threshold: { kind: 'count', count: 21, windowSec: 60, groupBy: 'clientIp' },
      }),
      rule({
        threshold: {
          kind: 'ratio',
          when: { rcode: ['SERVFAIL', 'REFUSED'] },
          abovePercent: 5,
          windowSec: 60,
          forSec: 120,
          minEvents: 10,
        },
        escalation: { afterMinutes: 15, channelId: ESC },
      }),
      rule({ threshold: { kind: 'held', when: { to: ['down'] }, forSec: 60, groupBy: 'node' } }),
      // Several `when` fields (written with the CLI) survive an edit in the form.
      rule({ threshold: { kind: 'held', when: { to: ['down'], id: ['f1', 'f2'] }, forSec: 5 } }),
    ];
    for (const r of rules) {
      const { name, enabled, match, threshold, channelIds, escalation } = r;
      expect(ruleBody(draftFromRule(r), r)).toEqual({
        name,
        enabled,
        match,
        threshold,
        channelIds,
        escalation,
      });
    }
  });

  it('keeps the filters the form does not show', () => {
    const r = rule({ match: { categories: ['security'], sources: ['api'], minPriority: 'high' } });
    const d = { ...draftFromRule(r), minPriority: '' as const };
    expect(ruleBody(d, r).match).toEqual({ categories: ['security'], sources: ['api'] });
  });

  it('names the input that cannot be read', () => {
    expect(() => parseWhere('blocked', 'Data test')).toThrow(/Data test: write field=value/);
    expect(parseWhere(' a=1, 2 ; b = x ', 'w')).toEqual({ a: ['1', '2'], b: ['x'] });
    const d = {
      ...emptyDraft(CH),
      name: 'n',
      types: ['dns_query_log' as const],
      kind: 'ratio' as const,
      abovePercent: '5',
    };
    expect(() => ruleBody(d)).toThrow(DraftError);
    expect(() =>
      ruleBody({ ...d, whenField: 'rcode', whenValues: 'SERVFAIL', minEvents: '' }),
    ).toThrow('At least events: a number');
  });

  it('warns about a rule with no event type filter and saves it only once confirmed', () => {
    const d = { ...emptyDraft(CH), name: 'everything' };
    expect(everyEventWarning(d)).toMatch(
      /^No filter: this rule matches every event, including the live query log/,
    );
    expect(() => ruleBody(d)).toThrow(DraftError);
    expect(() => ruleBody(d)).toThrow(
      /Event types: choose at least one, or tick "Match every event type"/,
    );
    expect(ruleBody({ ...d, matchEverything: true }).match).toEqual({});

    // Other filters narrow it, but any kind of event still passes them: still confirmed.
    const zoned = { ...d, zones: 'example.com' };
    expect(everyEventWarning(zoned)).toMatch(/^No event type filter: /);
    expect(() => ruleBody(zoned)).toThrow(DraftError);

    // A type, or a category kept from the edited rule, is a filter: no warning, no box.
    expect(everyEventWarning({ ...d, types: ['health_alert'] })).toBeUndefined();
    expect(ruleBody({ ...d, types: ['health_alert'] }).match).toEqual({ types: ['health_alert'] });
    const byCategory = rule({ match: { categories: ['security'] } });
    expect(everyEventWarning(draftFromRule(byCategory), byCategory)).toBeUndefined();
    expect(() =>
      ruleBody({ ...draftFromRule(byCategory), matchEverything: false }, byCategory),
    ).not.toThrow();

    // A rule saved without a filter opens confirmed (the warning still shows); a filtered one not.
    expect(draftFromRule(rule({ match: {} })).matchEverything).toBe(true);
    expect(draftFromRule(rule({ match: { types: ['health_alert'] } })).matchEverything).toBe(false);
  });
});
