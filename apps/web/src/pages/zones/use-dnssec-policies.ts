/**
 * The DNSSEC policies a zone may sign with: `default` plus the custom ones of the DNS settings.
 * GET /api/settings/dns is admin only, so for other roles the list is `default` alone (the
 * form adds the zone's current policy, whatever it is); the server checks the name anyway.
 */
import { useApi, useSignedIn } from '../../auth/auth-context';
import { isAdmin } from '../../auth/permissions';
import { useResource } from '../../hooks/use-resource';

export function useDnssecPolicyNames(): readonly string[] {
  const api = useApi();
  const admin = isAdmin(useSignedIn());
  const names = useResource(
    (signal) =>
      admin
        ? api.getDnsSettings({ signal }).then((v) => v.settings.dnssecPolicies.map((p) => p.name))
        : Promise.resolve([]),
    admin ? 'dnssec-policy-names' : 'dnssec-policy-names:none',
  );
  return ['default', ...(names.data ?? [])];
}

/** The options of a policy dropdown: the known names, and `current` when it is not one of them. */
export function policyOptions(known: readonly string[], current: string | null): string[] {
  return current && !known.includes(current) ? [...known, current] : [...known];
}
