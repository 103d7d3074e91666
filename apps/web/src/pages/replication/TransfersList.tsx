/** The recent zone transfers named logged (zone_transfer events), newest first, live. */
import type { ReactNode } from 'react';
import { Empty, ErrorState, Loading } from '../../components/StateViews';
import { formatTime } from '../../format';
import { describeEvent } from '../../realtime/describe-event';
import { useLiveList } from '../../realtime/use-live-list';

const TYPES = ['zone_transfer'] as const;

export function TransfersList(): ReactNode {
  const { events, loading, error } = useLiveList(TYPES, 20);
  return (
    <article className="card" aria-labelledby="transfers-title">
      <header className="card-head">
        <h2 id="transfers-title">Recent zone transfers</h2>
      </header>
      {error !== undefined && events.length === 0 ? (
        <ErrorState error={error} />
      ) : events.length === 0 ? (
        loading ? (
          <Loading />
        ) : (
          <Empty>No zone transfers yet.</Empty>
        )
      ) : (
        <ul className="plain" aria-label="Zone transfers">
          {events.map((e) => (
            <li key={e.id} data-testid="zone-transfer" className="small">
              <span className="muted">{formatTime(e.ts)}</span> {describeEvent(e)}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}
