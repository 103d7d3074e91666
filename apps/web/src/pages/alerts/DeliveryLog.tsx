/**
 * The delivery log, newest first, refreshed every few seconds while shown (deliveries change
 * state in the background: retries, dead letters). Admins can send one again.
 */
import { useEffect, type ReactNode } from 'react';
import type { AlertChannel } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { formatDateTime } from '../../format';

const REFRESH_MS = 3000;

export function DeliveryLog({
  channels,
  canChange,
  version,
  onError,
}: {
  channels: readonly AlertChannel[];
  canChange: boolean;
  /** Bumped by the page after a test send, to load at once. */
  version: number;
  onError: (message: string) => void;
}): ReactNode {
  const api = useApi();
  const log = useResource(
    (signal) => api.listAlertDeliveries({ query: { limit: 50 }, signal }),
    'alert-deliveries',
  );
  const { reload } = log;
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  const nameOf = (id: string) => channels.find((c) => c.id === id)?.name ?? id.slice(0, 8);

  const resend = async (id: string) => {
    try {
      await api.resendAlertDelivery({ params: { id } });
      reload();
    } catch (err) {
      onError(errorMessage(err));
    }
  };

  return (
    <ResourceView
      resource={log}
      isEmpty={(d) => d.deliveries.length === 0}
      empty="Nothing sent yet."
    >
      {(d) => (
        <div className="table-wrap">
          <table className="table compact" aria-label="Delivery log">
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Channel</th>
                <th scope="col">Why</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Answer</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {d.deliveries.map((x) => (
                <tr key={x.id}>
                  <td>{formatDateTime(x.createdAt)}</td>
                  <td>{nameOf(x.channelId)}</td>
                  <td>{x.reason}</td>
                  <td>
                    <span className={`badge delivery-${x.status}`}>{x.status}</span>
                  </td>
                  <td>{x.attempts}</td>
                  <td>
                    {x.lastStatusCode ?? '—'}
                    {x.lastError ? <span className="muted"> {x.lastError}</span> : null}
                  </td>
                  <td>
                    {canChange && (x.status === 'dead' || x.status === 'delivered') && (
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-label={`Re-send delivery ${x.id}`}
                        onClick={() => void resend(x.id)}
                      >
                        Re-send
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </ResourceView>
  );
}
