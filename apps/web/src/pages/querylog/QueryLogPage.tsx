/**
 * The live query log: dns_query_log while this page is open (the subscription is released when
 * it closes), seeded from the history, filterable, pausable, virtualized.
 */
import { useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useRealtimeEvent, useSubscription } from '@hdns/react';
import { useApi } from '../../auth/auth-context';
import { ErrorState } from '../../components/StateViews';
import { useStoredState } from '../../hooks/use-stored-state';
import { useDashboardClient } from '../../realtime/client-context';
import { QueryBuffer, toQueryRow, type QueryRow } from './query-buffer';
import { QueryLogFilters, EMPTY_FILTERS, matches, type QueryFilters } from './QueryLogFilters';
import { QueryLogList } from './QueryLogList';

const SEED = 200;
const SUBSCRIPTION = ['dns_query_log'];

export function QueryLogPage(): ReactNode {
  const api = useApi();
  const client = useDashboardClient();
  const [buffer] = useState(() => new QueryBuffer());
  const snap = useSyncExternalStore(buffer.subscribe, buffer.getSnapshot);
  const [filters, setFilters] = useStoredState<QueryFilters>(
    'hdns.querylog.filters',
    EMPTY_FILTERS,
  );
  const [error, setError] = useState<unknown>(undefined);

  useSubscription(SUBSCRIPTION);
  useRealtimeEvent('dns_query_log', (e) => buffer.add([toQueryRow(e)]));
  useRealtimeEvent('threat_detected', (e) => buffer.markBlocked(e.data));

  useEffect(() => {
    const controller = new AbortController();
    const load = (): Promise<void> =>
      api
        .listEvents({
          query: { type: 'dns_query_log', limit: SEED },
          signal: controller.signal,
        })
        .then((page) => {
          const rows: QueryRow[] = [];
          for (const e of page.events) if (e.event === 'dns_query_log') rows.push(toQueryRow(e));
          buffer.seed(rows);
        })
        .catch((err: unknown) => {
          if (!controller.signal.aborted) setError(err);
        });
    // History at once (also while the socket is down), and again once the server confirmed the
    // live subscription (the hook above asks for it too; subscribing twice is harmless): a
    // query logged after the first load but before the subscription took effect would
    // otherwise be in neither. Rows seen twice are dropped by id.
    void load();
    client
      .subscribe(SUBSCRIPTION)
      .then(() => (controller.signal.aborted ? undefined : load()))
      .catch(() => undefined);
    return () => controller.abort();
  }, [api, buffer, client]);

  const visible = useMemo(() => snap.rows.filter((r) => matches(r, filters)), [snap.rows, filters]);
  const seen = useMemo(() => {
    const qtypes = new Set<string>();
    const rcodes = new Set<string>();
    const nodes = new Set<string>();
    for (const r of snap.rows) {
      qtypes.add(r.qtype);
      if (r.rcode !== undefined) rcodes.add(r.rcode);
      if (r.node !== undefined) nodes.add(r.node);
    }
    return { qtypes: [...qtypes], rcodes: [...rcodes], nodes: nodes.size };
  }, [snap.rows]);

  return (
    <section className="page page-fill" aria-labelledby="ql-title">
      <div className="page-head">
        <h1 id="ql-title">Query log</h1>
        <div className="toolbar">
          <span className="muted small" aria-live="polite">
            {visible.length} of {snap.rows.length} shown
            {snap.paused && snap.held > 0 && ` · ${snap.held} new while paused`}
          </span>
          <button
            type="button"
            className={`btn ${snap.paused ? 'btn-primary' : ''}`}
            aria-pressed={snap.paused}
            onClick={() => buffer.setPaused(!snap.paused)}
          >
            {snap.paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" className="btn" onClick={() => buffer.clear()}>
            Clear
          </button>
        </div>
      </div>
      {snap.sampledOneIn !== undefined && (
        <p className="notice" role="status" data-testid="sampled-notice">
          The server is sampling the query log under load: about one query in {snap.sampledOneIn} is
          shown.
        </p>
      )}
      <QueryLogFilters
        value={filters}
        onChange={setFilters}
        qtypes={seen.qtypes}
        rcodes={seen.rcodes}
      />
      {error !== undefined && <ErrorState error={error} />}
      <QueryLogList
        rows={visible}
        paused={snap.paused}
        filtered={visible.length !== snap.rows.length}
        showNode={seen.nodes > 1}
      />
    </section>
  );
}
