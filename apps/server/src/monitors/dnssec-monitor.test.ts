import { describe, expect, it } from 'vitest';
import type { DnssecKey } from '@hdns/protocol/rest';
import { diffKeys } from './dnssec-monitor.js';

const key = (over: Partial<DnssecKey>): DnssecKey => ({
  tag: 1,
  algorithm: 'ECDSAP256SHA256',
  algorithmNumber: 13,
  role: 'ksk',
  published: true,
  publishedSince: null,
  keySigning: true,
  zoneSigning: false,
  activeSince: null,
  retired: false,
  retireAt: null,
  nextRollover: null,
  rollover: 'No rollover scheduled',
  states: { goal: 'omnipresent', dnskey: 'rumoured', ds: 'hidden' },
  ...over,
});

describe('diffKeys', () => {
  it('is empty for identical readings', () => {
    expect(diffKeys('a.test', 'p', [key({})], [key({})])).toEqual([]);
  });

  it('reports added and removed keys', () => {
    const changes = diffKeys('a.test', 'p', [key({ tag: 1 })], [key({ tag: 2, role: 'zsk' })]);
    expect(changes.map((c) => [c.change, c.keyTag, c.role])).toEqual([
      ['key_added', 2, 'zsk'],
      ['key_removed', 1, 'ksk'],
    ]);
  });

  it('reports moved states with before/after, a scheduled rollover and a retirement', () => {
    const before = key({});
    const after = key({
      states: { goal: 'hidden', dnskey: 'omnipresent', ds: 'hidden' },
      nextRollover: '2027-03-06T05:05:04.000Z',
      retired: true,
      zoneSigning: false,
    });
    const changes = diffKeys('a.test', 'p', [before], [after]);
    expect(changes.map((c) => c.change)).toEqual([
      'rollover_started',
      'rollover_scheduled',
      'state_changed',
    ]);
    expect(changes[1]!.nextRollover).toBe('2027-03-06T05:05:04.000Z');
    expect(changes[2]!.states).toEqual({
      goal: { before: 'omnipresent', after: 'hidden' },
      dnskey: { before: 'rumoured', after: 'omnipresent' },
    });
    expect(changes[2]).toMatchObject({ zone: 'a.test', policy: 'p', keyTag: 1 });
  });
});
