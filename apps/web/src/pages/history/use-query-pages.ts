/**
 * One page of a query search at a time, newest first, with Newer/Older over a cursor stack.
 * A new `key` (other filters, page size, a refresh) starts again at the newest page. A cursor
 * the server no longer accepts (BAD_CURSOR: e.g. another server in the cluster, or a restart)
 * also starts again there, with a notice, instead of leaving the user stuck on an error.
 */
import { useEffect, useState } from 'react';
import type { QueryPage, QuerySearchInput } from '@hdns/protocol/rest';
import { isApiError } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { useResource } from '../../hooks/use-resource';
import {
  currentCursor,
  FIRST_PAGE,
  hasNewer,
  newer,
  older,
  pageNumber,
  type CursorStack,
} from './cursor-stack';

export interface QueryPages {
  page: QueryPage | undefined;
  error: unknown;
  loading: boolean;
  pageNumber: number;
  hasNewer: boolean;
  hasOlder: boolean;
  goNewer: () => void;
  goOlder: () => void;
  reload: () => void;
  /** Why paging started again at the newest page, when it did on its own. */
  notice: string | undefined;
}

export function useQueryPages(search: QuerySearchInput, limit: number, key: string): QueryPages {
  const api = useApi();
  const [state, setState] = useState<{ key: string; stack: CursorStack; notice?: string }>({
    key,
    stack: FIRST_PAGE,
  });
  // Other filters: back to the newest page in the same render (no request with a stale cursor).
  let { stack } = state;
  if (state.key !== key) {
    stack = FIRST_PAGE;
    setState({ key, stack });
  }
  const cursor = currentCursor(stack);
  const loadKey = `${key}|${stack.cursors.length}|${cursor ?? ''}`;
  const resource = useResource(
    (signal) =>
      api
        .searchQueries({
          query: { ...search, limit, ...(cursor !== undefined ? { cursor } : {}) },
          signal,
        })
        .then((page) => ({ key: loadKey, page })),
    loadKey,
  );
  // Tagged with the request it answers: in the render right after a move the resource still
  // holds the previous page, which must show neither as this page nor as "done loading".
  const current = resource.data?.key === loadKey ? resource.data.page : undefined;
  const loading = resource.loading || (current === undefined && resource.error === undefined);

  const badCursor = isApiError(resource.error, 'BAD_CURSOR') && hasNewer(stack);
  useEffect(() => {
    if (!badCursor) return;
    setState((s) => ({
      ...s,
      stack: FIRST_PAGE,
      notice: 'The server did not accept the page position; showing the newest page again.',
    }));
  }, [badCursor]);

  const nextCursor = current?.nextCursor ?? null;
  return {
    page: current,
    error: resource.error,
    loading,
    pageNumber: pageNumber(stack),
    hasNewer: hasNewer(stack),
    hasOlder: nextCursor !== null,
    goNewer: () => setState((s) => ({ ...s, stack: newer(s.stack), notice: undefined })),
    goOlder: () => {
      if (nextCursor === null) return;
      setState((s) => ({ ...s, stack: older(s.stack, nextCursor), notice: undefined }));
    },
    reload: resource.reload,
    notice: state.notice,
  };
}
