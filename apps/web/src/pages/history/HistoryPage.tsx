/**
 * Query history: search the query store (time range, client, name, type, rcode, blocked,
 * latency, transport, node) one page at a time. The filters are the URL's query string; paging
 * is a cursor stack in memory, so only the page on screen is ever loaded.
 */
import { useMemo, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { fieldErrorsOf } from './history-errors';
import {
  filtersFromParams,
  filtersToParams,
  pageSizeFromParams,
  searchOf,
  type HistoryFilters,
  type PageSize,
} from './history-filters';
import { HistoryFilterForm } from './HistoryFilterForm';
import { QueryResults } from './QueryResults';
import { StoreStatusPanel } from './StoreStatusPanel';
import { describeRange } from './time-range';
import { useAnchoredNow } from './use-anchored-now';

export function HistoryPage(): ReactNode {
  const [params, setParams] = useSearchParams();
  const urlKey = params.toString();
  const filters = useMemo(() => filtersFromParams(new URLSearchParams(urlKey)), [urlKey]);
  const pageSize = pageSizeFromParams(params);
  const { now, refresh } = useAnchoredNow(urlKey);
  const search = useMemo(() => searchOf(filters, now), [filters, now]);

  const apply = (next: HistoryFilters, size: PageSize = pageSize) =>
    setParams(filtersToParams(next, size));
  // The same search again (Search pressed twice) is a refresh, not a history entry.
  const onSearch = (next: HistoryFilters) => {
    if (filtersToParams(next, pageSize).toString() === urlKey) refresh();
    else apply(next);
  };

  return (
    <section className="page" aria-labelledby="history-title">
      <div className="page-head">
        <h1 id="history-title">Query history</h1>
        <div className="toolbar">
          <span className="muted small">{describeRange(filters.range)}</span>
          <button type="button" className="btn" onClick={refresh}>
            Refresh
          </button>
        </div>
      </div>
      <div className="grid">
        <StoreStatusPanel refreshKey={now} />
        <article className="card" aria-labelledby="results-title">
          <h2 id="results-title" className="sr-only">
            Results
          </h2>
          <QueryResults
            search={search}
            searchKey={`${urlKey}|${now}`}
            pageSize={pageSize}
            marker={urlKey}
            onPageSize={(size) => apply(filters, size)}
          >
            {(error) => (
              <HistoryFilterForm
                key={urlKey}
                value={filters}
                errors={fieldErrorsOf(error)}
                onSearch={onSearch}
              />
            )}
          </QueryResults>
        </article>
      </div>
    </section>
  );
}
