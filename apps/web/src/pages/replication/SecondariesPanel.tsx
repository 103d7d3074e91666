/**
 * The secondary servers this one feeds, with their live state: the REST list (which carries
 * the watcher's last reading) with every newer secondary_status event over it. Admins add,
 * edit, enable and remove; everyone sees the catalog zone and the consumer snippet a BIND
 * admin pastes into the secondary's named.conf.
 */
import { useState, type ReactNode } from 'react';
import type { EventFrame } from '@hdns/client';
import type { EventDataOf } from '@hdns/protocol';
import type { Secondary, TsigKey } from '@hdns/protocol/rest';
import { useRealtimeEvent } from '@hdns/react';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Sensitive } from '../../components/Sensitive';
import { ResourceView } from '../../components/StateViews';
import { formatDateTime } from '../../format';
import type { Resource } from '../../hooks/use-resource';
import { useOnResync } from '../../realtime/use-resync';
import { showToast } from '../../shell/toast-store';
import { CopyButton } from './CopyButton';
import { stateLabel, stateTone, withLiveStatus } from './replication-view';
import { SecondaryForm } from './SecondaryForm';

type Editor = { mode: 'none' } | { mode: 'add' } | { mode: 'edit'; id: string };
type SecondaryList = {
  secondaries: Secondary[];
  catalogZone: string | null;
  consumerConfig: string | null;
};

export function SecondariesPanel({
  list,
  keys,
  canEdit,
}: {
  list: Resource<SecondaryList>;
  keys: readonly TsigKey[];
  canEdit: boolean;
}): ReactNode {
  const api = useApi();
  const [editor, setEditor] = useState<Editor>({ mode: 'none' });
  const [live, setLive] = useState<ReadonlyMap<string, EventDataOf<'secondary_status'>>>(new Map());

  useOnResync(list.reload);
  useRealtimeEvent('secondary_status', (e: EventFrame<'secondary_status'>) => {
    setLive((m) => new Map(m).set(e.data.secondaryId, e.data));
  });
  useRealtimeEvent('config_change', (e: EventFrame<'config_change'>) => {
    if (e.data.scope === 'replication') list.reload();
  });

  const done = (s: Secondary, verb: string) => {
    setEditor({ mode: 'none' });
    list.reload();
    showToast({ level: 'success', title: `Secondary ${s.name} ${verb}` });
  };
  const toggle = async (s: Secondary) => {
    try {
      await api.updateSecondary({
        params: { id: s.id },
        body: { enabled: !s.enabled, version: s.version },
      });
    } catch (err) {
      showToast({ level: 'warning', title: `Could not change ${s.name}`, body: errorMessage(err) });
    }
    list.reload();
  };
  const remove = async (s: Secondary) => {
    try {
      await api.deleteSecondary({ params: { id: s.id } });
      list.setData((d) => d && { ...d, secondaries: d.secondaries.filter((x) => x.id !== s.id) });
    } catch (err) {
      showToast({ level: 'warning', title: `Could not remove ${s.name}`, body: errorMessage(err) });
      list.reload();
    }
  };

  const editing =
    editor.mode === 'edit' ? list.data?.secondaries.find((s) => s.id === editor.id) : undefined;

  return (
    <article className="card" aria-labelledby="secondaries-title">
      <header className="card-head">
        <h2 id="secondaries-title">Secondary servers</h2>
        {canEdit && editor.mode === 'none' && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => setEditor({ mode: 'add' })}
          >
            Add secondary
          </button>
        )}
      </header>
      {editor.mode === 'add' && (
        <SecondaryForm
          keys={keys}
          onDone={(s) => done(s, 'added')}
          onStale={list.reload}
          onCancel={() => setEditor({ mode: 'none' })}
        />
      )}
      {editing && (
        <SecondaryForm
          key={editing.id}
          editing={editing}
          keys={keys}
          onDone={(s) => done(s, 'saved')}
          onStale={list.reload}
          onCancel={() => setEditor({ mode: 'none' })}
        />
      )}
      <ResourceView resource={list}>
        {(d) => (
          <>
            {d.secondaries.length === 0 ? (
              <p className="state state-empty">No secondaries: zones are served here only.</p>
            ) : (
              <div className="table-wrap">
                <table className="table compact" aria-label="Secondaries">
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Address</th>
                      <th scope="col">TSIG key</th>
                      <th scope="col">State</th>
                      <th scope="col">Last check</th>
                      <th scope="col">Enabled</th>
                      {canEdit && (
                        <th scope="col">
                          <span className="sr-only">Actions</span>
                        </th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {withLiveStatus(d.secondaries, live).map((s) => (
                      <tr
                        key={s.id}
                        data-testid="secondary-row"
                        data-state={s.state}
                        className={s.enabled ? undefined : 'muted'}
                      >
                        <td data-label="Name">{s.name}</td>
                        <td data-label="Address">
                          <Sensitive value={s.port === 53 ? s.address : `${s.address}#${s.port}`} />
                        </td>
                        <td data-label="TSIG key" className="mono">
                          {s.tsigKeyName ?? '—'}
                        </td>
                        <td data-label="State">
                          <span className={`pill pill-${stateTone(s.state)}`}>
                            {stateLabel(s.state)}
                          </span>
                          {s.laggingZones.length > 0 && (
                            <div className="small muted">
                              behind: <span className="mono">{s.laggingZones.join(', ')}</span>
                            </div>
                          )}
                          {s.message && <div className="small muted">{s.message}</div>}
                        </td>
                        <td data-label="Last check">
                          {s.checkedAt ? formatDateTime(s.checkedAt) : 'not yet'}
                        </td>
                        <td data-label="Enabled">
                          <input
                            type="checkbox"
                            checked={s.enabled}
                            disabled={!canEdit}
                            aria-label={`${s.name} enabled`}
                            onChange={() => void toggle(s)}
                          />
                        </td>
                        {canEdit && (
                          <td className="nowrap">
                            <button
                              type="button"
                              className="btn btn-small"
                              aria-label={`Edit secondary ${s.name}`}
                              onClick={() => setEditor({ mode: 'edit', id: s.id })}
                            >
                              Edit
                            </button>{' '}
                            <ConfirmButton
                              label="Remove"
                              ariaLabel={`Remove secondary ${s.name}`}
                              onConfirm={() => remove(s)}
                            />
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <h3>Catalog zone</h3>
            {d.catalogZone === null ? (
              <p className="small muted">
                Catalog zones are off: add each zone to the secondary by hand.
              </p>
            ) : (
              <p className="small">
                Secondaries learn the zones from the catalog zone{' '}
                <code data-testid="catalog-zone">{d.catalogZone}</code>.
              </p>
            )}
            {d.consumerConfig && (
              <>
                <p className="small">Paste this into the secondary&apos;s named.conf (options):</p>
                <pre className="mono code-block" data-testid="consumer-config">
                  {d.consumerConfig}
                </pre>
                <CopyButton text={d.consumerConfig} label="Copy configuration" />
              </>
            )}
          </>
        )}
      </ResourceView>
    </article>
  );
}
