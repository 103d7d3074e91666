/**
 * Your login sessions (one per sign-in, kept across refreshes): where and when, the current one
 * marked, each with an End button, and "End all other sessions". An ended session cannot refresh,
 * its tokens are refused and its live connections close.
 */
import type { ReactNode } from 'react';
import type { AccountSession } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ResourceView } from '../../components/StateViews';
import { formatTime } from '../../format';
import { useResource } from '../../hooks/use-resource';
import { showToast } from '../../shell/toast-store';

function describeAgent(agent: string | null): string {
  if (!agent) return 'Unknown client';
  return agent.length > 80 ? `${agent.slice(0, 77)}…` : agent;
}

export function SessionsPanel(): ReactNode {
  const api = useApi();
  const list = useResource((signal) => api.listAccountSessions({ signal }), 'account-sessions');

  const end = async (s: AccountSession) => {
    try {
      await api.endAccountSession({ params: { id: s.id } });
      showToast({ level: 'success', title: 'Session ended' });
    } catch (err) {
      showToast({ level: 'warning', title: 'Could not end the session', body: errorMessage(err) });
    }
    list.reload();
  };

  const endOthers = async () => {
    try {
      const { ended } = await api.endOtherAccountSessions({});
      showToast({
        level: 'success',
        title: ended === 1 ? '1 other session ended' : `${ended} other sessions ended`,
      });
    } catch (err) {
      showToast({ level: 'warning', title: 'Could not end sessions', body: errorMessage(err) });
    }
    list.reload();
  };

  const others = list.data?.sessions.filter((s) => !s.current).length ?? 0;

  return (
    <article className="card" aria-labelledby="sessions-title">
      <header className="card-head">
        <h2 id="sessions-title">Sessions</h2>
        <ConfirmButton
          label="End all other sessions"
          disabled={others === 0}
          onConfirm={endOthers}
        />
      </header>
      <ResourceView resource={list} isEmpty={(d) => d.sessions.length === 0} empty="No sessions.">
        {(d) => (
          <div className="table-wrap">
            <table className="table compact" aria-label="Sessions">
              <thead>
                <tr>
                  <th scope="col">Client</th>
                  <th scope="col">Address</th>
                  <th scope="col">Signed in</th>
                  <th scope="col">Last active</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.sessions.map((s) => (
                  <tr key={s.id} data-testid="session-row" data-current={s.current}>
                    <td data-label="Client">
                      {describeAgent(s.userAgent)}
                      {s.current && <span className="role-tag"> this session</span>}
                    </td>
                    <td data-label="Address" className="mono">
                      {s.ip ?? '—'}
                    </td>
                    <td data-label="Signed in">{formatTime(s.createdAt)}</td>
                    <td data-label="Last active">{formatTime(s.lastUsedAt)}</td>
                    <td className="nowrap">
                      {!s.current && (
                        <ConfirmButton
                          label="End"
                          ariaLabel={`End session from ${s.ip ?? 'unknown address'} signed in ${formatTime(s.createdAt)}`}
                          onConfirm={() => end(s)}
                        />
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
