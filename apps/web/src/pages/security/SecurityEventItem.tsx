/**
 * One security_alert or threat_detected line (other types render as plain text). A
 * threat_detected is either an RPZ hit (a rule rewrote the answer) or a detection (a detector
 * saw an NXDOMAIN flood or random subdomains; nothing was rewritten).
 */
import type { ReactNode } from 'react';
import { Sensitive } from '../../components/Sensitive';
import { formatTime } from '../../format';
import { detectionRate, detectionTitle } from '../../realtime/describe-detection';
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
  if (e.event === 'threat_detected' && e.data.detection) {
    // A detector saw a pattern; nothing was rewritten, so no action or category pill.
    const d = e.data.detection;
    return (
      <li className={`event-item sev-${d.severity}`} data-testid="detection-item">
        <div>
          <strong>{detectionTitle(d, e.data.qname)}</strong>{' '}
          <span className={`pill pill-sev-${d.severity}`}>{d.severity}</span>{' '}
          <span className="pill">detected</span>
          <div className="small">
            {d.kind === 'nxdomain_flood' ? (
              <>
                NXDOMAIN answers to <Sensitive value={e.data.clientIp} />: {detectionRate(d)}
              </>
            ) : (
              <>Distinct unknown names: {detectionRate(d, ' names')}</>
            )}{' '}
            (threshold {d.threshold})
          </div>
          <div className="muted small">
            {formatTime(e.ts)} · last {e.data.qtype} <span className="mono">{e.data.qname}</span>
            {d.clients && d.clients.length > 0 && (
              <>
                {' · clients '}
                {d.clients.map((c, i) => (
                  <span key={`${c.ip}-${i}`}>
                    {i > 0 && ', '}
                    <Sensitive value={c.ip} /> ({c.count})
                  </span>
                ))}
              </>
            )}
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
