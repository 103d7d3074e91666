/** The three non-data states every list and panel has: loading, empty and error. */
import type { ReactNode } from 'react';
import { errorMessage } from '../api/api-error';

export function Loading({ label = 'Loading…' }: { label?: string }): ReactNode {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }): ReactNode {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorState({
  error,
  onRetry,
}: {
  error: unknown;
  onRetry?: () => void;
}): ReactNode {
  return (
    <div className="state state-error" role="alert">
      <span>{errorMessage(error)}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Picks the right state for a resource: error, first load, empty, or the content. */
export function ResourceView<T>({
  resource,
  isEmpty,
  empty,
  children,
}: {
  resource: { data: T | undefined; error: unknown; loading: boolean; reload: () => void };
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}): ReactNode {
  const { data, error, loading, reload } = resource;
  if (error !== undefined && data === undefined)
    return <ErrorState error={error} onRetry={reload} />;
  if (data === undefined) return loading ? <Loading /> : null;
  return (
    <>
      {error !== undefined && <ErrorState error={error} onRetry={reload} />}
      {isEmpty?.(data) ? <Empty>{empty ?? 'Nothing here yet.'}</Empty> : children(data)}
    </>
  );
}
