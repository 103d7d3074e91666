/**
 * TSIG keys: everyone reads the list (names and users, never secrets); admins create, rotate
 * and delete. Create and rotate answer with the secret once, shown in SecretDialog. Reloads on
 * config_change of scope `replication` (a change from another dashboard or the CLI).
 */
import { useState, type ReactNode } from 'react';
import type { EventFrame } from '@hdns/client';
import type { TsigKey, TsigKeyWithSecret } from '@hdns/protocol/rest';
import { useRealtimeEvent } from '@hdns/react';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ResourceView } from '../../components/StateViews';
import { formatDateTime } from '../../format';
import { useResource } from '../../hooks/use-resource';
import { useOnResync } from '../../realtime/use-resync';
import { showToast } from '../../shell/toast-store';
import { deleteKeyErrorText } from './replication-view';
import { SecretDialog } from './SecretDialog';
import { TsigKeyForm } from './TsigKeyForm';

export function TsigKeysPanel({
  canEdit,
  onChanged,
}: {
  canEdit: boolean;
  /** Secondaries name their key: the other panel reloads too. */
  onChanged: () => void;
}): ReactNode {
  const api = useApi();
  const list = useResource((signal) => api.listTsigKeys({ signal }), 'tsig-keys');
  const [adding, setAdding] = useState(false);
  const [shown, setShown] = useState<
    { key: TsigKeyWithSecret; verb: 'created' | 'rotated' } | undefined
  >(undefined);
  const [refusal, setRefusal] = useState<string | undefined>(undefined);

  useOnResync(list.reload);
  useRealtimeEvent('config_change', (e: EventFrame<'config_change'>) => {
    if (e.data.scope === 'replication') list.reload();
  });

  const changed = (key: TsigKeyWithSecret, verb: 'created' | 'rotated') => {
    setAdding(false);
    setShown({ key, verb });
    list.reload();
    onChanged();
  };

  const rotate = async (k: TsigKey) => {
    try {
      changed(
        await api.rotateTsigKey({ params: { id: k.id }, body: { version: k.version } }),
        'rotated',
      );
    } catch (err) {
      showToast({ level: 'warning', title: `Could not rotate ${k.name}`, body: errorMessage(err) });
      list.reload();
    }
  };

  const remove = async (k: TsigKey) => {
    setRefusal(undefined);
    try {
      await api.deleteTsigKey({ params: { id: k.id } });
      list.setData((d) => d && { keys: d.keys.filter((x) => x.id !== k.id) });
      onChanged();
    } catch (err) {
      setRefusal(`${k.name}: ${deleteKeyErrorText(err)}`);
      list.reload();
    }
  };

  return (
    <article className="card" aria-labelledby="tsig-title">
      <header className="card-head">
        <h2 id="tsig-title">TSIG keys</h2>
        {canEdit && !adding && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => setAdding(true)}
          >
            Add key
          </button>
        )}
      </header>
      <p className="small muted">
        Shared secrets that sign zone transfers and NOTIFY between this server and a secondary.
      </p>
      {adding && (
        <TsigKeyForm onDone={(k) => changed(k, 'created')} onCancel={() => setAdding(false)} />
      )}
      {shown && (
        <SecretDialog secretKey={shown.key} verb={shown.verb} onClose={() => setShown(undefined)} />
      )}
      {refusal && (
        <p className="form-error" role="alert" data-testid="tsig-refusal">
          {refusal}
        </p>
      )}
      <ResourceView
        resource={list}
        isEmpty={(d) => d.keys.length === 0}
        empty="No TSIG keys: secondaries transfer by address only."
      >
        {(d) => (
          <div className="table-wrap">
            <table className="table compact" aria-label="TSIG keys">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Algorithm</th>
                  <th scope="col">Used by</th>
                  <th scope="col">Created</th>
                  <th scope="col">Rotated</th>
                  {canEdit && (
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {d.keys.map((k) => (
                  <tr key={k.id} data-testid="tsig-key-row">
                    <td data-label="Name" className="mono">
                      {k.name}
                    </td>
                    <td data-label="Algorithm">{k.algorithm}</td>
                    <td data-label="Used by">{k.usedBy.length ? k.usedBy.join(', ') : '—'}</td>
                    <td data-label="Created">{formatDateTime(k.createdAt)}</td>
                    <td data-label="Rotated">
                      {k.rotatedAt ? `${formatDateTime(k.rotatedAt)} (v${k.version})` : '—'}
                    </td>
                    {canEdit && (
                      <td className="nowrap">
                        <ConfirmButton
                          label="Rotate"
                          confirmLabel="Rotate now"
                          ariaLabel={`Rotate TSIG key ${k.name}`}
                          onConfirm={() => rotate(k)}
                        />{' '}
                        <ConfirmButton
                          label="Delete"
                          ariaLabel={`Delete TSIG key ${k.name}`}
                          onConfirm={() => remove(k)}
                        />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ResourceView>
    </article>
  );
}
