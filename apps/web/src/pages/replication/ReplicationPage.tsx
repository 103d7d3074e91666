/**
 * Replication: the secondaries this server feeds and the TSIG keys they transfer with, and the
 * recent zone transfers. Operators and admins read it (the server refuses viewers: secondary
 * addresses and key names are not theirs to see, so the nav hides it from them); only admins
 * see the changing controls (the server refuses the others' writes with FORBIDDEN anyway).
 */
import type { ReactNode } from 'react';
import type { EventFrame } from '@hdns/client';
import { useRealtimeEvent } from '@hdns/react';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { isAdmin } from '../../auth/permissions';
import { useResource } from '../../hooks/use-resource';
import { SecondariesPanel } from './SecondariesPanel';
import { TransfersList } from './TransfersList';
import { TsigKeysPanel } from './TsigKeysPanel';

export function ReplicationPage(): ReactNode {
  const api = useApi();
  const user = useSignedIn();
  const canEdit = isAdmin(user);
  const secondaries = useResource((signal) => api.listSecondaries({ signal }), 'secondaries');
  const keys = useResource((signal) => api.listTsigKeys({ signal }), 'tsig-keys:select');
  // The key select of the secondary form follows keys added elsewhere.
  useRealtimeEvent('config_change', (e: EventFrame<'config_change'>) => {
    if (e.data.scope === 'replication') keys.reload();
  });
  return (
    <section className="page" aria-labelledby="replication-title">
      <h1 id="replication-title">Replication</h1>
      <div className="grid">
        <SecondariesPanel list={secondaries} keys={keys.data?.keys ?? []} canEdit={canEdit} />
        <TsigKeysPanel
          canEdit={canEdit}
          onChanged={() => {
            keys.reload();
            secondaries.reload();
          }}
        />
        <TransfersList />
      </div>
    </section>
  );
}
