/** Rows of the event history. */
import type { ReactNode } from 'react';
import type { StoredEvent } from '@hdns/protocol/rest';
import { formatDateTime } from '../../format';
import { actorOf, describeEvent } from '../../realtime/describe-event';

export function EventTable({
  events,
  onAck,
}: {
  events: readonly StoredEvent[];
  onAck: (id: string) => void;
}): ReactNode {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Event history">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Details</th>
            <th scope="col">By</th>
            <th scope="col">
              <span className="sr-only">Acknowledged</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} className={e.acked ? 'acked' : 'unacked'} data-testid="event-row">
              <td data-label="Time" className="muted nowrap">
                {formatDateTime(e.ts)}
              </td>
              <td data-label="Event">
                <span className="nowrap">
                  <span className={`prio prio-${e.priority}`} title={`${e.priority} priority`} />
                  <span className="mono">{e.event}</span>
                </span>
                <div className="muted small">
                  {e.category} · #{e.seq}
                </div>
              </td>
              <td data-label="Details" className="break">
                {describeEvent(e)}
                {e.meta.redacted?.length ? (
                  <span className="muted small"> (some fields hidden for your role)</span>
                ) : null}
              </td>
              <td data-label="By">{actorOf(e.meta) || <span className="muted">system</span>}</td>
              <td className="actions">
                {e.acked ? (
                  <span className="muted small">seen</span>
                ) : (
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={`Acknowledge ${e.event} #${e.seq}`}
                    onClick={() => onAck(e.id)}
                  >
                    Ack
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
