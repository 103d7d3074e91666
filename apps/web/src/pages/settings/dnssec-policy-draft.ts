/**
 * The DNSSEC policy form's state (as typed) and the policy it stands for, checked with the
 * protocol's dnssecPolicySpecSchema so a bad name or lifetime is marked on its field before the
 * round trip. Server refusals name a policy field as `/dnssecPolicies/<i>/keys/lifetime`;
 * policyFieldOf maps both kinds of path onto the form's fields.
 */
import {
  DNSSEC_ALGORITHMS,
  dnssecPolicySpecSchema,
  type DnssecAlgorithm,
  type DnssecPolicySpec,
} from '@hdns/protocol/rest';

export type PolicyKeyKind = DnssecPolicySpec['keys']['kind'];

export interface PolicyDraft {
  name: string;
  algorithm: DnssecAlgorithm;
  kind: PolicyKeyKind;
  /** The CSK's lifetime (kind `csk`). */
  lifetime: string;
  kskLifetime: string;
  zskLifetime: string;
  nsec3: boolean;
  /** Empty: BIND's default. */
  signaturesValidity: string;
}

export const POLICY_FIELDS = [
  'name',
  'algorithm',
  'lifetime',
  'kskLifetime',
  'zskLifetime',
  'signaturesValidity',
] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];
export type PolicyErrors = Partial<Record<PolicyField | 'form', string>>;

/** How each algorithm reads in the form: BIND's name with the DNSSEC number. */
export const ALGORITHM_LABELS: Readonly<Record<DnssecAlgorithm, string>> = {
  ecdsap256sha256: 'ECDSA P-256 / SHA-256 (13)',
  ecdsap384sha384: 'ECDSA P-384 / SHA-384 (14)',
  ed25519: 'Ed25519 (15)',
  rsasha256: 'RSA / SHA-256 (8)',
  rsasha512: 'RSA / SHA-512 (10)',
};

/** A new policy: BIND's `default` (one ECDSA P-256 CSK, never rolled) as the starting point. */
export const emptyPolicy: PolicyDraft = {
  name: '',
  algorithm: DNSSEC_ALGORITHMS[0],
  kind: 'csk',
  lifetime: 'unlimited',
  kskLifetime: 'P1Y',
  zskLifetime: 'P90D',
  nsec3: false,
  signaturesValidity: '',
};

export function policyDraftOf(p: DnssecPolicySpec): PolicyDraft {
  return {
    name: p.name,
    algorithm: p.algorithm,
    kind: p.keys.kind,
    lifetime: p.keys.kind === 'csk' ? p.keys.lifetime : emptyPolicy.lifetime,
    kskLifetime: p.keys.kind === 'ksk-zsk' ? p.keys.kskLifetime : emptyPolicy.kskLifetime,
    zskLifetime: p.keys.kind === 'ksk-zsk' ? p.keys.zskLifetime : emptyPolicy.zskLifetime,
    nsec3: p.nsec3,
    signaturesValidity: p.signaturesValidity ?? '',
  };
}

/**
 * The form field a policy path names: `name`, `keys/lifetime`, or a server path into the
 * settings (`/dnssecPolicies/2/keys/kskLifetime`, the leading list and index skipped).
 */
export function policyFieldOf(path: readonly string[]): PolicyField | undefined {
  const rest = path[0] === 'dnssecPolicies' ? path.slice(2) : path;
  const last = rest[rest.length - 1];
  return POLICY_FIELDS.find((f) => f === last);
}

/** The keys of a policy in a few words, for the list. */
export function describeKeys(p: DnssecPolicySpec): string {
  return p.keys.kind === 'csk'
    ? `CSK, lifetime ${p.keys.lifetime}`
    : `KSK ${p.keys.kskLifetime} · ZSK ${p.keys.zskLifetime}`;
}

export type PolicyResult =
  { ok: true; policy: DnssecPolicySpec } | { ok: false; errors: PolicyErrors };

/**
 * The policy the draft stands for, or the errors per field. `others` are the policies it sits
 * beside (the one being edited left out): a name may be used once, ignoring case.
 */
export function policyOfDraft(d: PolicyDraft, others: readonly DnssecPolicySpec[]): PolicyResult {
  const errors: PolicyErrors = {};
  const validity = d.signaturesValidity.trim();
  const parsed = dnssecPolicySpecSchema.safeParse({
    name: d.name,
    algorithm: d.algorithm,
    keys:
      d.kind === 'csk'
        ? { kind: 'csk', lifetime: d.lifetime }
        : { kind: 'ksk-zsk', kskLifetime: d.kskLifetime, zskLifetime: d.zskLifetime },
    nsec3: d.nsec3,
    ...(validity ? { signaturesValidity: validity } : {}),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = policyFieldOf(issue.path.map(String)) ?? 'form';
      errors[field] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const name = parsed.data.name.toLowerCase();
  if (others.some((p) => p.name.toLowerCase() === name)) {
    return { ok: false, errors: { name: `a policy named ${parsed.data.name} exists` } };
  }
  return { ok: true, policy: parsed.data };
}
