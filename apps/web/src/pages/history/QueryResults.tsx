/**
 * A paged search result: the pager, the table and the states (loading, the API's error, empty,
 * end of results). Used by the history page and the client page with their own searches.
 */
import type { ReactNode } from 'react';
import type { QuerySearchInput } from '@hdns/protocol/rest';
import { isApiError } from '../../api/api-error';
import { Empty, ErrorState, Loading } from '../../components/StateViews';
import type { PageSize } from './history-filters';
import { QueryPager } from './QueryPager';
import { QueryTable } from './QueryTable';
import { useQueryPages } from './use-query-pages';

export function QueryResults({
  search,
  searchKey,
  pageSize,
  onPageSize,
  label,
  emptyText = 'No stored queries match this search.',
  children,
  marker,
}: {
  search: QuerySearchInput;
  /** Changes whenever `search` does (it starts paging again at the newest page). */
  searchKey: string;
  pageSize: PageSize;
  onPageSize: (size: PageSize) => void;
  label?: string;
  emptyText?: string;
  /** Marks the container (`data-for`), so a test can tell this search's results from the last. */
  marker?: string;
  /** Rendered above the pager with the search's error (the filter form marks refused fields). */
  children?: (error: unknown) => ReactNode;
}): ReactNode {
  const pages = useQueryPages(search, pageSize, `${searchKey}|${pageSize}`);
  const rows = pages.page?.items ?? [];
  return (
    <div
      className="query-results"
      data-testid="query-results"
      data-for={marker}
      aria-busy={pages.loading}
    >
      {children?.(pages.error)}
      <div className="card-head">
        <QueryPager
          pageNumber={pages.pageNumber}
          hasNewer={pages.hasNewer}
          hasOlder={pages.hasOlder}
          loading={pages.loading}
          pageSize={pageSize}
          onNewer={pages.goNewer}
          onOlder={pages.goOlder}
          onPageSize={onPageSize}
        />
      </div>
      {pages.notice && (
        <p className="notice" role="status">
          {pages.notice}
        </p>
      )}
      {pages.error !== undefined && !isApiError(pages.error, 'BAD_CURSOR') && (
        <ErrorState
          error={pages.error}
          onRetry={isApiError(pages.error, 'QUERY_STORE_OFF') ? undefined : pages.reload}
        />
      )}
      {pages.page === undefined ? (
        pages.loading && <Loading label="Searching…" />
      ) : rows.length === 0 ? (
        <Empty>{pages.pageNumber > 1 ? 'No older queries.' : emptyText}</Empty>
      ) : (
        <>
          <QueryTable rows={rows} {...(label ? { label } : {})} />
          {!pages.hasOlder && (
            <div className="pager">
              <span className="muted small">End of results.</span>
            </div>
          )}
        </>
      )}
    </div>
  );
}
