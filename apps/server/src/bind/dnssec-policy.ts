import type { DnssecPolicySpec } from '@hdns/protocol/rest';
import { BUILTIN_DNSSEC_POLICIES, dnssecPolicyNameSchema } from '@hdns/protocol/rest';
import { invalidRecord } from './zone-text.js';

/**
 * Custom DNSSEC policies as named.conf's `dnssec-policy "name" { … };` statements (BIND 9.18).
 * Pure: the server settings hold the list (validated by the protocol's dnssecPolicySpecSchema),
 * renderNamedConf puts renderDnssecPolicies' text at the top level, and named-checkconf gates the
 * result like any other change. Zones name a policy with their `dnssecPolicy` field.
 *
 * Choices:
 * - keys live in the zone's `key-directory` (dnssec-files.ts), never in an HSM;
 * - NSEC3 with RFC 9276's advice: 0 extra iterations, no salt, no opt-out;
 * - everything not named here (TTLs, propagation delays, publish/retire safety) keeps BIND's
 *   defaults, which match the built-in `default` policy.
 */

export type { DnssecPolicySpec } from '@hdns/protocol/rest';

/** A policy name fit to quote in named.conf (throws INVALID_RECORD otherwise). */
export function dnssecPolicyName(name: string): string {
  const parsed = dnssecPolicyNameSchema.safeParse(name);
  if (!parsed.success) throw invalidRecord('dnssec-policy: not a valid policy name', { name });
  return parsed.data;
}

function keyLine(role: 'csk' | 'ksk' | 'zsk', lifetime: string, algorithm: string): string {
  return `    ${role} key-directory lifetime ${lifetime} algorithm ${algorithm};`;
}

export function renderDnssecPolicy(p: DnssecPolicySpec): string {
  const name = dnssecPolicyName(p.name);
  if ((BUILTIN_DNSSEC_POLICIES as readonly string[]).includes(name.toLowerCase())) {
    throw invalidRecord(`dnssec-policy: ${name} is a built-in policy`, { name });
  }
  const keys =
    p.keys.kind === 'csk'
      ? [keyLine('csk', p.keys.lifetime, p.algorithm)]
      : [
          keyLine('ksk', p.keys.kskLifetime, p.algorithm),
          keyLine('zsk', p.keys.zskLifetime, p.algorithm),
        ];
  return [
    `dnssec-policy "${name}" {`,
    '  keys {',
    ...keys,
    '  };',
    ...(p.nsec3 ? ['  nsec3param iterations 0 optout no salt-length 0;'] : []),
    ...(p.signaturesValidity
      ? [
          `  signatures-validity ${p.signaturesValidity};`,
          `  signatures-validity-dnskey ${p.signaturesValidity};`,
        ]
      : []),
    '};',
  ].join('\n');
}

/** Every policy, in order; names must be unique (INVALID_RECORD otherwise). */
export function renderDnssecPolicies(list: readonly DnssecPolicySpec[]): string {
  const seen = new Set<string>();
  for (const p of list) {
    const key = p.name.toLowerCase();
    if (seen.has(key)) throw invalidRecord(`dnssec-policy ${p.name} is defined twice`);
    seen.add(key);
  }
  return list.map(renderDnssecPolicy).join('\n\n');
}
