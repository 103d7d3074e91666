import { describe, expect, it } from 'vitest';
import type { DnssecPolicySpec } from '@hdns/protocol/rest';
import { emptyPolicy, policyDraftOf, policyFieldOf, policyOfDraft } from './dnssec-policy-draft';

const PAIR: DnssecPolicySpec = {
  name: 'pair',
  algorithm: 'rsasha256',
  keys: { kind: 'ksk-zsk', kskLifetime: 'P1Y', zskLifetime: 'P90D' },
  nsec3: true,
  signaturesValidity: 'P14D',
};

describe('DNSSEC policy draft', () => {
  it('round-trips a policy through the draft unchanged', () => {
    expect(policyOfDraft(policyDraftOf(PAIR), [])).toEqual({ ok: true, policy: PAIR });
    const csk = policyOfDraft({ ...emptyPolicy, name: 'one' }, [PAIR]);
    expect(csk).toEqual({
      ok: true,
      policy: {
        name: 'one',
        algorithm: 'ecdsap256sha256',
        keys: { kind: 'csk', lifetime: 'unlimited' },
        nsec3: false,
      },
    });
  });

  it('marks bad values on their fields', () => {
    const bad = policyOfDraft(
      { ...policyDraftOf(PAIR), name: 'default', zskLifetime: '90 days', signaturesValidity: 'x' },
      [],
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.errors).sort()).toEqual(['name', 'signaturesValidity', 'zskLifetime']);
    expect(bad.errors.zskLifetime).toMatch(/ISO 8601/);
  });

  it('refuses a name another policy has, ignoring case', () => {
    const dup = policyOfDraft({ ...emptyPolicy, name: 'PAIR' }, [PAIR]);
    expect(dup).toEqual({ ok: false, errors: { name: 'a policy named PAIR exists' } });
  });

  it('maps form and server paths onto fields', () => {
    expect(policyFieldOf(['keys', 'lifetime'])).toBe('lifetime');
    expect(policyFieldOf(['dnssecPolicies', '2', 'keys', 'kskLifetime'])).toBe('kskLifetime');
    expect(policyFieldOf(['dnssecPolicies', '0', 'name'])).toBe('name');
    expect(policyFieldOf(['keys'])).toBeUndefined();
  });
});
