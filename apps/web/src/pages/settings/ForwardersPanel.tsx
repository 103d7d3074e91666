/**
 * The global forwarders (options { forwarders }): list, add, edit, enable/disable, delete.
 * Every change rewrites named.conf on the server and publishes config_change of scope
 * `forwarders`, which reloads this list in every open dashboard. How they are used (only or
 * first) is the forward policy of the DNS service form above.
 */
import { useState, type ReactNode } from 'react';
import type { EventFrame } from '@hdns/client';
import type { Forwarder } from '@hdns/protocol/rest';
import { useRealtimeEvent } from '@hdns/react';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { useOnResync } from '../../realtime/use-resync';
import { showToast } from '../../shell/toast-store';
import { ForwarderForm } from './ForwarderForm';

type Editor = { mode: 'none' } | { mode: 'add' } | { mode: 'edit'; id: string };

export function ForwardersPanel(): ReactNode {
  const api = useApi();
  const list = useResource((signal) => api.listForwarders({ signal }), 'forwarders');
  const [editor, setEditor] = useState<Editor>({ mode: 'none' });

  useOnResync(list.reload);
  useRealtimeEvent('config_change', (e: EventFrame<'config_change'>) => {
    if (e.data.scope === 'forwarders') list.reload();
  });

  const done = (f: Forwarder, verb: string) => {
    setEditor({ mode: 'none' });
    list.reload();
    showToast({ level: 'success', title: `Forwarder ${f.name} ${verb}` });
  };

  const toggle = async (f: Forwarder) => {
    try {
      await api.updateForwarder({
        params: { id: f.id },
        body: { enabled: !f.enabled, version: f.version },
      });
    } catch (err) {
      showToast({ level: 'warning', title: `Could not change ${f.name}`, body: errorMessage(err) });
    }
    list.reload();
  };

  const remove = async (f: Forwarder) => {
    try {
      await api.deleteForwarder({ params: { id: f.id } });
      list.setData((d) => d && { forwarders: d.forwarders.filter((x) => x.id !== f.id) });
    } catch (err) {
      showToast({ level: 'warning', title: `Could not delete ${f.name}`, body: errorMessage(err) });
      list.reload();
    }
  };

  const editing =
    editor.mode === 'edit' ? list.data?.forwarders.find((f) => f.id === editor.id) : undefined;

  return (
    <article className="card" aria-labelledby="forwarders-title" id="forwarders">
      <header className="card-head">
        <h2 id="forwarders-title">Forwarders</h2>
        {editor.mode === 'none' && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            onClick={() => setEditor({ mode: 'add' })}
          >
            Add forwarder
          </button>
        )}
      </header>
      <p className="small muted">
        Names outside our zones are sent to the enabled forwarders, as the forward policy says.
      </p>
      {editor.mode === 'add' && (
        <ForwarderForm
          onDone={(f) => done(f, 'added')}
          onStale={list.reload}
          onCancel={() => setEditor({ mode: 'none' })}
        />
      )}
      {editing && (
        <ForwarderForm
          key={editing.id}
          editing={editing}
          onDone={(f) => done(f, 'saved')}
          onStale={list.reload}
          onCancel={() => setEditor({ mode: 'none' })}
        />
      )}
      <ResourceView
        resource={list}
        isEmpty={(d) => d.forwarders.length === 0}
        empty="No forwarders: names outside our zones are resolved from the root."
      >
        {(d) => (
          <div className="table-wrap">
            <table className="table compact" aria-label="Forwarders">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Address</th>
                  <th scope="col">Port</th>
                  <th scope="col">Enabled</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.forwarders.map((f) => (
                  <tr
                    key={f.id}
                    data-testid="forwarder-row"
                    className={f.enabled ? undefined : 'muted'}
                  >
                    <td data-label="Name">{f.name}</td>
                    <td data-label="Address" className="mono">
                      {f.address}
                    </td>
                    <td data-label="Port">{f.port}</td>
                    <td data-label="Enabled">
                      <input
                        type="checkbox"
                        checked={f.enabled}
                        aria-label={`${f.name} enabled`}
                        onChange={() => void toggle(f)}
                      />
                    </td>
                    <td className="nowrap">
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Edit forwarder ${f.name}`}
                        onClick={() => setEditor({ mode: 'edit', id: f.id })}
                      >
                        Edit
                      </button>{' '}
                      <ConfirmButton
                        label="Delete"
                        ariaLabel={`Delete forwarder ${f.name}`}
                        onConfirm={() => remove(f)}
                      />
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
