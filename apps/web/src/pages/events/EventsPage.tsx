/**
 * Event history over /api/events: filters (type, category, time range), paging to older events
 * with the server's cursor, and acknowledgement (one, or everything up to the newest shown).
 * New events matching nothing in particular are counted live; "Show new" reloads the first page.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { EventFrameUnion } from '@hdns/client';
import { useRealtimeEvent } from '@hdns/react';
import { errorMessage } from '../../api/api-error';
import type { StoredEvent } from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { Empty, ErrorState, Loading } from '../../components/StateViews';
import { useStoredState } from '../../hooks/use-stored-state';
import { showToast } from '../../shell/toast-store';
import { EventFilters, EMPTY_EVENT_FILTERS, type EventFilterValues } from './EventFilters';
import { EventTable } from './EventTable';

const PAGE = 50;

export function EventsPage(): ReactNode {
  const api = useApi();
  const [filters, setFilters] = useStoredState<EventFilterValues>(
    'hdns.events.filters',
    EMPTY_EVENT_FILTERS,
  );
  const [events, setEvents] = useState<StoredEvent[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [fresh, setFresh] = useState(0);

  const query = useCallback(
    (beforeSeq?: number) =>
      api.listEvents({
        query: {
          limit: PAGE,
          type: filters.type || undefined,
          category: filters.category || undefined,
          since: filters.since ? new Date(filters.since).toISOString() : undefined,
          until: filters.until ? new Date(filters.until).toISOString() : undefined,
          beforeSeq,
        },
      }),
    [api, filters],
  );

  const loadFirst = useCallback(() => {
    setLoading(true);
    setFresh(0);
    query().then(
      (page) => {
        setEvents(page.events);
        setCursor(page.nextBeforeSeq);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        setError(err);
        setLoading(false);
      },
    );
  }, [query]);

  useEffect(loadFirst, [loadFirst]);

  useRealtimeEvent('*', (e: EventFrameUnion) => {
    if (filters.type && e.event !== filters.type) return;
    if (filters.category && e.category !== filters.category) return;
    setFresh((n) => n + 1);
  });

  const loadOlder = () => {
    if (cursor === null) return;
    setLoading(true);
    query(cursor).then(
      (page) => {
        setEvents((list) => [...list, ...page.events]);
        setCursor(page.nextBeforeSeq);
        setLoading(false);
      },
      (err: unknown) => {
        setError(err);
        setLoading(false);
      },
    );
  };

  const ack = async (target: { ids: string[] } | { upToSeq: number }) => {
    try {
      await api.ackEvents({ body: target });
      const ids = 'ids' in target ? new Set(target.ids) : undefined;
      setEvents((list) =>
        list.map((e) =>
          (ids ? ids.has(e.id) : e.seq <= (target as { upToSeq: number }).upToSeq)
            ? { ...e, acked: true }
            : e,
        ),
      );
    } catch (err) {
      showToast({ level: 'warning', title: 'Could not acknowledge', body: errorMessage(err) });
    }
  };

  const newest = events[0];
  const unreadShown = events.filter((e) => !e.acked).length;
  return (
    <section className="page" aria-labelledby="events-title">
      <div className="page-head">
        <h1 id="events-title">Events</h1>
        <div className="toolbar">
          {fresh > 0 && (
            <button type="button" className="btn" onClick={loadFirst}>
              Show {fresh} new
            </button>
          )}
          <button
            type="button"
            className="btn"
            disabled={!newest || unreadShown === 0}
            onClick={() => newest && void ack({ upToSeq: newest.seq })}
          >
            Acknowledge all
          </button>
        </div>
      </div>
      <EventFilters value={filters} onChange={setFilters} />
      {error !== undefined && <ErrorState error={error} onRetry={loadFirst} />}
      {events.length === 0 ? (
        loading ? (
          <Loading />
        ) : (
          error === undefined && <Empty>No events match these filters.</Empty>
        )
      ) : (
        <>
          <EventTable events={events} onAck={(id) => void ack({ ids: [id] })} />
          <div className="pager">
            {cursor !== null ? (
              <button type="button" className="btn" disabled={loading} onClick={loadOlder}>
                {loading ? 'Loading…' : 'Load older events'}
              </button>
            ) : (
              <span className="muted small">That is everything the server keeps.</span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
