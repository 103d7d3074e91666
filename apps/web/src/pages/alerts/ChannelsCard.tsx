/** The channels table with "send test", edit and delete (admins), and the channel form. */
import { useState, type ReactNode } from 'react';
import type { AlertChannel, ResponseOf } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ResourceView } from '../../components/StateViews';
import type { Resource } from '../../hooks/use-resource';
import { ChannelForm } from './ChannelForm';

function target(c: AlertChannel): string {
  if (c.kind === 'email') return (c.config.to ?? []).join(', ') || '—';
  return c.config.url ?? '—';
}

export function ChannelsCard({
  channels,
  canChange,
  onTestSent,
}: {
  channels: Resource<ResponseOf<'listAlertChannels'>>;
  canChange: boolean;
  onTestSent: () => void;
}): ReactNode {
  const api = useApi();
  /** 'new', a channel id being edited, or null. */
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const list = channels.data?.channels ?? [];
  const edited = list.find((c) => c.id === editing);
  // An id that is no longer listed (deleted here or elsewhere) counts as no form open, so
  // "New channel" comes back without a reload.
  const formOpen = editing === 'new' || edited !== undefined;
  const saved = () => {
    setEditing(null);
    channels.reload();
  };

  const act = async (action: () => Promise<unknown>, after: () => void) => {
    setError(undefined);
    try {
      await action();
      after();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <article className="card" aria-labelledby="channels-title">
      <header className="card-head">
        <h2 id="channels-title">Channels</h2>
        {canChange && !formOpen && (
          <div className="card-tools">
            <button
              type="button"
              className="btn btn-primary btn-small"
              onClick={() => setEditing('new')}
            >
              New channel
            </button>
          </div>
        )}
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {editing === 'new' && <ChannelForm onCancel={() => setEditing(null)} onSaved={saved} />}
      {edited && (
        <ChannelForm
          key={edited.id}
          channel={edited}
          onCancel={() => setEditing(null)}
          onSaved={saved}
        />
      )}
      <ResourceView
        resource={channels}
        isEmpty={(d) => d.channels.length === 0}
        empty="No channels."
      >
        {(d) => (
          <div className="table-wrap">
            <table className="table compact" aria-label="Channels">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Target</th>
                  <th scope="col">Signed</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.channels.map((c) => (
                  <tr key={c.id}>
                    <td>{c.name}</td>
                    <td>{c.kind}</td>
                    <td className="mono">{target(c)}</td>
                    <td>{c.config.hasSecret ? 'yes' : 'no'}</td>
                    <td>{c.enabled ? 'yes' : 'no'}</td>
                    <td className="actions">
                      {canChange && (
                        <>
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-label={`Send test to ${c.name}`}
                            onClick={() =>
                              void act(
                                () => api.testAlertChannel({ params: { id: c.id } }),
                                onTestSent,
                              )
                            }
                          >
                            Send test
                          </button>
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-label={`Edit channel ${c.name}`}
                            onClick={() => setEditing(c.id)}
                          >
                            Edit
                          </button>
                          <ConfirmButton
                            label="Delete"
                            ariaLabel={`Delete channel ${c.name}`}
                            onConfirm={() =>
                              act(
                                () => api.deleteAlertChannel({ params: { id: c.id } }),
                                () => {
                                  setEditing((e) => (e === c.id ? null : e));
                                  channels.reload();
                                },
                              )
                            }
                          />
                        </>
                      )}
                    </td>
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
