/**
 * Live threat feed, newest first: RPZ hits and detections (both threat_detected) and security
 * alerts.
 */
import type { ReactNode } from 'react';
import { Empty, ErrorState, Loading } from '../../components/StateViews';
import { useLiveList } from '../../realtime/use-live-list';
import { SecurityEventItem } from './SecurityEventItem';

const TYPES = ['threat_detected', 'security_alert'] as const;

export function ThreatFeed(): ReactNode {
  const { events, loading, error } = useLiveList(TYPES, 100);
  return (
    <article className="card" aria-labelledby="threat-title">
      <header className="card-head">
        <h2 id="threat-title">Threat feed</h2>
        <span className="live-dot" aria-label="live" />
      </header>
      {error !== undefined && <ErrorState error={error} />}
      {events.length === 0 ? (
        loading ? (
          <Loading />
        ) : (
          <Empty>No threats detected.</Empty>
        )
      ) : (
        <ul className="event-list scroll-list" aria-live="polite">
          {events.map((e) => (
            <SecurityEventItem key={e.id} event={e} />
          ))}
        </ul>
      )}
    </article>
  );
}
