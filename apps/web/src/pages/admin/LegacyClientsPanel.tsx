/**
 * Who still runs the previous system's frontends (the legacy WebSocket protocols), so admins can
 * plan HDNS_LEGACY=off: one row per user, protocol generation, URL form and connection type,
 * with when it was last seen and whether it is connected now. Polled like the connections card:
 * legacy use is the server's bookkeeping, not an event.
 */
import { useEffect, type ReactNode } from 'react';
import type { LegacyClient, LegacyMode, LegacyRouteName } from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { formatDateTime, formatNumber } from '../../format';

const REFRESH_MS = 5_000;

const MODE_TEXT: Record<LegacyMode, { label: string; pill: string; title: string }> = {
  on: {
    label: 'accepted',
    pill: 'pill-ok',
    title: 'HDNS_LEGACY=on: old clients connect without a deprecation notice',
  },
  warn: {
    label: 'accepted with a notice',
    pill: 'pill-warn',
    title: 'HDNS_LEGACY=warn: old clients connect and get a deprecation notice each time',
  },
  off: {
    label: 'refused',
    pill: 'pill-bad',
    title: 'HDNS_LEGACY=off: old clients are closed at once (1008) and told where to migrate',
  },
};

const ROUTE_TEXT: Record<LegacyRouteName, string> = {
  ws: '/ws?token=',
  'api-websocket': '/api/websocket/ws',
  'ws-type': '/ws/{type}/{user}',
};

function protocolOf(c: LegacyClient): string {
  return c.generation === 1 ? `gen 1 · ${c.connectionType ?? '?'}` : 'gen 2';
}

export function LegacyClientsPanel(): ReactNode {
  const api = useApi();
  const legacy = useResource((signal) => api.listLegacyClients({ signal }), 'legacy');

  useEffect(() => {
    const id = setInterval(legacy.reload, REFRESH_MS);
    return () => clearInterval(id);
  }, [legacy.reload]);

  const mode = legacy.data?.mode;
  return (
    <article className="card span-4" aria-labelledby="legacy-title" data-testid="legacy-clients">
      <header className="card-head">
        <h2 id="legacy-title">Legacy clients</h2>
        {mode && (
          <span
            className={`pill ${MODE_TEXT[mode].pill}`}
            title={MODE_TEXT[mode].title}
            data-testid="legacy-mode"
          >
            HDNS_LEGACY={mode}: {MODE_TEXT[mode].label}
          </span>
        )}
      </header>
      <p className="muted small">
        Users still connecting with the old frontends&apos; WebSocket protocols. Before turning them
        off, move each one to protocol v1: see the migration guide (docs/legacy-migration.md).
      </p>
      <ResourceView
        resource={legacy}
        isEmpty={(d) => d.clients.length === 0}
        empty="No old client has connected: nothing left to migrate."
      >
        {(d) => (
          <div className="table-wrap">
            <table className="table compact" aria-label="Legacy clients">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Protocol</th>
                  <th scope="col">URL</th>
                  <th scope="col">Client</th>
                  <th scope="col">First seen</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Connections</th>
                </tr>
              </thead>
              <tbody>
                {d.clients.map((c) => (
                  <tr
                    key={`${c.userId}:${c.generation}:${c.route}:${c.connectionType ?? ''}`}
                    data-testid="legacy-client-row"
                  >
                    <td data-label="User">
                      {c.username ?? <span className="muted">deleted</span>}
                    </td>
                    <td data-label="Protocol">{protocolOf(c)}</td>
                    <td data-label="URL" className="mono small">
                      {ROUTE_TEXT[c.route]}
                    </td>
                    <td data-label="Client" className="small break" title={c.userAgent ?? ''}>
                      {c.userAgent ?? '—'}
                    </td>
                    <td data-label="First seen" className="muted">
                      {formatDateTime(c.firstSeenAt)}
                    </td>
                    <td data-label="Last seen">
                      {c.connectedNow ? (
                        <span className="pill pill-warn">connected now</span>
                      ) : (
                        formatDateTime(c.lastSeenAt)
                      )}
                    </td>
                    <td data-label="Connections">
                      {formatNumber(c.connections)}{' '}
                      {c.refused > 0 && (
                        <span className="pill pill-bad">{formatNumber(c.refused)} refused</span>
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
