/**
 * One client (/clients/:ip): its summary over a time range (default the last 24 hours) and its
 * stored queries, paged like the history. The range and page size are in the URL.
 */
import { useMemo, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useApi } from '../../auth/auth-context';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { pageSizeFromParams, PAGE_SIZES, type PageSize } from '../history/history-filters';
import { QueryResults } from '../history/QueryResults';
import {
  describeRange,
  rangeFromParams,
  rangeToParams,
  resolveRange,
  type TimeRange,
} from '../history/time-range';
import { useAnchoredNow } from '../history/use-anchored-now';
import { ClientRangeForm } from './ClientRangeForm';
import { ClientSummaryView } from './ClientSummaryView';

const DEFAULT_RANGE = '24h';
const DEFAULT_SIZE: PageSize = PAGE_SIZES[0];

export function ClientPage(): ReactNode {
  const api = useApi();
  const ip = useParams().ip ?? '';
  const [params, setParams] = useSearchParams();
  const urlKey = params.toString();
  const range = useMemo(
    () => rangeFromParams(new URLSearchParams(urlKey), DEFAULT_RANGE),
    [urlKey],
  );
  const pageSize = params.has('size') ? pageSizeFromParams(params) : DEFAULT_SIZE;
  const { now, refresh } = useAnchoredNow(`${ip}|${urlKey}`);
  const bounds = useMemo(() => resolveRange(range, now), [range, now]);
  const summary = useResource(
    (signal) => api.clientSummary({ params: { ip }, query: bounds, signal }),
    `client:${ip}|${urlKey}|${now}`,
  );
  const search = useMemo(() => ({ client: ip, ...bounds }), [ip, bounds]);

  const navigate = (next: TimeRange, size: PageSize) => {
    const p = new URLSearchParams();
    rangeToParams(next, p, DEFAULT_RANGE);
    if (size !== DEFAULT_SIZE) p.set('size', String(size));
    setParams(p);
  };

  return (
    <section className="page" aria-labelledby="client-title">
      <p className="crumbs small">
        <Link to="/queries/history">Query history</Link> ›
      </p>
      <div className="page-head">
        <h1 id="client-title">
          Client <span className="mono">{ip}</span>
        </h1>
        <div className="toolbar">
          <span className="muted small">{describeRange(range)}</span>
          <button type="button" className="btn" onClick={refresh}>
            Refresh
          </button>
        </div>
      </div>
      <ClientRangeForm key={urlKey} value={range} onChange={(r) => navigate(r, pageSize)} />
      <div className="grid">
        <article className="card" aria-labelledby="client-summary-title">
          <h2 id="client-summary-title">Summary</h2>
          <ResourceView resource={summary}>
            {(s) => <ClientSummaryView summary={s} range={range} />}
          </ResourceView>
        </article>
        <article className="card" aria-labelledby="client-queries-title">
          <h2 id="client-queries-title">Queries</h2>
          <QueryResults
            search={search}
            searchKey={`${ip}|${urlKey}|${now}`}
            pageSize={pageSize}
            marker={urlKey}
            onPageSize={(size) => navigate(range, size)}
            label={`Queries of ${ip}`}
            emptyText="This client has no stored queries in this range."
          />
        </article>
      </div>
    </section>
  );
}
