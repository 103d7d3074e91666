/** One security_alert or threat_detected line (other types render as plain text). */
import type { ReactNode } from 'react';
import { Sensitive } from '../../components/Sensitive';
import { formatTime } from '../../format';
import { describeEvent } from '../../realtime/describe-event';
import type { ListedEvent } from '../../realtime/use-live-list';

export function SecurityEventItem({ event: e }: { event: ListedEvent }): ReactNode {
  if (e.event === 'security_alert') {
    return (
      <li className={`event-item sev-${e.data.severity}`}>
        <div>
          <strong>{e.data.title}</strong>{' '}
          <span className={`pill pill-sev-${e.data.severity}`}>{e.data.severity}</span>
          <div className="small">{e.data.message}</div>
          <div className="muted small">
            {formatTime(e.ts)}
            {e.data.clientIp != null && (
              <>
                {' · client '}
                <Sensitive value={e.data.clientIp} />
              </>
            )}
            {e.data.source && ` · ${e.data.source}`}
          </div>
        </div>
      </li>
    );
  }
  if (e.event === 'threat_detected') {
    return (
      <li className="event-item sev-warning">
        <div>
          <strong className="mono">{e.data.qname}</strong>{' '}
          <span className="pill pill-bad">{e.data.action}</span>{' '}
          <span className="pill">{e.data.category}</span>
          <div className="muted small">
            {formatTime(e.ts)} · {e.data.qtype} from <Sensitive value={e.data.clientIp} />
          </div>
        </div>
      </li>
    );
  }
  return <li className="event-item">{describeEvent(e)}</li>;
}
