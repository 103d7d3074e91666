/**
 * The TSIG keys a secondary zone may transfer with, for its key select and to name its key.
 * GET /api/tsig-keys is for operators and admins; for viewers, or when the call is refused or
 * fails, the list is empty and the select offers only "none" (the server checks the id anyway).
 */
import type { TsigKey } from '@hdns/protocol/rest';
import { roleAtLeast } from '@hdns/protocol';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { useResource } from '../../hooks/use-resource';

export function useTsigKeys(): readonly TsigKey[] {
  const api = useApi();
  const allowed = roleAtLeast(useSignedIn().role, 'operator');
  const keys = useResource(
    (signal) =>
      allowed
        ? api.listTsigKeys({ signal }).then(
            (v) => v.keys,
            (): TsigKey[] => [],
          )
        : Promise.resolve([]),
    allowed ? 'tsig-keys:zone' : 'tsig-keys:none',
  );
  return keys.data ?? [];
}
