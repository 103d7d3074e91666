/**
 * Live WebSocket connections and hub statistics, refreshed every few seconds (REST polling is
 * right here: these are the server's internals, not events). Admins can disconnect a user.
 */
import { useEffect, type ReactNode } from 'react';
import { errorMessage } from '../../api/api-error';
import type { Connection } from '@hdns/protocol/rest';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { showToast } from '../../shell/toast-store';
import { formatBytes, formatNumber, formatTime } from '../../format';

const REFRESH_MS = 3_000;

export function ConnectionsPanel(): ReactNode {
  const api = useApi();
  const me = useSignedIn();
  const connections = useResource((signal) => api.listConnections({ signal }), 'conns');
  const stats = useResource((signal) => api.realtimeStats({ signal }), 'rt');

  useEffect(() => {
    const id = setInterval(() => {
      connections.reload();
      stats.reload();
    }, REFRESH_MS);
    return () => clearInterval(id);
  }, [connections.reload, stats.reload]);

  const kick = async (c: Connection) => {
    try {
      const { closed, pending } = await api.disconnectUser({ params: { userId: c.userId } });
      showToast(
        pending
          ? {
              level: 'warning',
              title: `Disconnected ${c.username} on this instance (${closed})`,
              body: 'The other instances are unreachable (Redis); they will close theirs when it is back.',
            }
          : { level: 'success', title: `Disconnected ${c.username} (${closed})` },
      );
      connections.reload();
    } catch (err) {
      showToast({
        level: 'warning',
        title: `Could not disconnect ${c.username}`,
        body: errorMessage(err),
      });
    }
  };

  const s = stats.data;
  return (
    <article className="card span-2" aria-labelledby="conn-title">
      <header className="card-head">
        <h2 id="conn-title">Real-time connections</h2>
        <span className="muted small">refreshes every {REFRESH_MS / 1000}s</span>
      </header>
      {s && (
        <dl className="stat-row" data-testid="realtime-stats">
          <div>
            <dt>Connections</dt>
            <dd>{s.connections}</dd>
          </div>
          <div>
            <dt>Users</dt>
            <dd>{s.users}</dd>
          </div>
          <div>
            <dt>Queued events</dt>
            <dd>{formatNumber(s.queueDepth)}</dd>
          </div>
          <div>
            <dt>Buffered</dt>
            <dd>{formatBytes(s.bufferedBytes)}</dd>
          </div>
          {s.nodes && (
            <div>
              <dt>Instances</dt>
              <dd title={s.nodes.map((n) => `${n.node}: ${n.connections}`).join('\n')}>
                {s.nodes.length}
              </dd>
            </div>
          )}
          <div>
            <dt>Stream position</dt>
            <dd>#{formatNumber(s.position)}</dd>
          </div>
        </dl>
      )}
      <ResourceView
        resource={connections}
        isEmpty={(d) => d.connections.length === 0}
        empty="Nobody is connected."
      >
        {(d) => {
          // Several instances on Redis: each connection names the instance holding it.
          const clustered = d.connections.some((c) => c.node !== undefined);
          return (
            <div className="table-wrap">
              <table className="table compact" aria-label="Connections">
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Address</th>
                    <th scope="col">Client</th>
                    {clustered && <th scope="col">Instance</th>}
                    <th scope="col">Since</th>
                    <th scope="col">Subscriptions</th>
                    <th scope="col">Queue</th>
                    <th scope="col">Sent</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.connections.map((c) => (
                    <tr key={c.sessionId} data-testid="connection-row">
                      <td data-label="User">
                        {c.username} <span className="role-tag">{c.role}</span>
                      </td>
                      <td data-label="Address" className="mono">
                        {c.ip}
                      </td>
                      <td data-label="Client">
                        {c.client ?? '—'} <span className="muted small">{c.protocol}</span>
                      </td>
                      {clustered && (
                        <td data-label="Instance" className="mono small">
                          {c.node ?? '—'}
                        </td>
                      )}
                      <td data-label="Since" className="muted">
                        {formatTime(c.connectedAt)}
                      </td>
                      <td
                        data-label="Subscriptions"
                        className="small break"
                        title={c.subscriptions.join(', ')}
                      >
                        {c.subscriptions.length} types
                      </td>
                      <td data-label="Queue">
                        {c.queueDepth}
                        {c.bufferedBytes > 0 && (
                          <span className="muted small"> ({formatBytes(c.bufferedBytes)})</span>
                        )}
                      </td>
                      <td data-label="Sent">
                        {formatNumber(c.eventsOut)}
                        {c.eventsLost > 0 && (
                          <span className="pill pill-warn">{c.eventsLost} lost</span>
                        )}
                      </td>
                      <td className="actions">
                        {c.userId !== me.id && (
                          <ConfirmButton
                            label="Disconnect"
                            confirmLabel="Disconnect user"
                            ariaLabel={`Disconnect ${c.username}`}
                            onConfirm={() => kick(c)}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </ResourceView>
    </article>
  );
}
