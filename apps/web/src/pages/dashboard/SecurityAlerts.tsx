/** The latest security alerts and RPZ hits, live. */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading } from '../../components/StateViews';
import { SecurityEventItem } from '../security/SecurityEventItem';
import { useLiveList } from '../../realtime/use-live-list';

const TYPES = ['security_alert', 'threat_detected'] as const;

export function SecurityAlerts(): ReactNode {
  const { events, loading, error } = useLiveList(TYPES, 8);
  return (
    <article className="card span-4" aria-labelledby="alerts-title">
      <header className="card-head">
        <h2 id="alerts-title">Security alerts</h2>
        <Link to="/security" className="small">
          All threats
        </Link>
      </header>
      {error !== undefined && <ErrorState error={error} />}
      {events.length === 0 ? (
        loading ? (
          <Loading />
        ) : (
          <Empty>No alerts. All quiet.</Empty>
        )
      ) : (
        <ul className="event-list">
          {events.map((e) => (
            <SecurityEventItem key={e.id} event={e} />
          ))}
        </ul>
      )}
    </article>
  );
}
