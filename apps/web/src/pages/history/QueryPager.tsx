/** Newer / Older over the cursor stack, the page number, and the page size. */
import type { ReactNode } from 'react';
import { Field } from '../../components/Field';
import { PAGE_SIZES, type PageSize } from './history-filters';

export function QueryPager({
  pageNumber,
  hasNewer,
  hasOlder,
  loading,
  pageSize,
  onNewer,
  onOlder,
  onPageSize,
}: {
  pageNumber: number;
  hasNewer: boolean;
  hasOlder: boolean;
  loading: boolean;
  pageSize: PageSize;
  onNewer: () => void;
  onOlder: () => void;
  onPageSize: (size: PageSize) => void;
}): ReactNode {
  return (
    <div className="toolbar" role="navigation" aria-label="Result pages">
      <button
        type="button"
        className="btn btn-small"
        disabled={!hasNewer || loading}
        onClick={onNewer}
      >
        ← Newer
      </button>
      <span className="muted small" data-testid="page-number">
        Page {pageNumber}
      </span>
      <button
        type="button"
        className="btn btn-small"
        disabled={!hasOlder || loading}
        onClick={onOlder}
      >
        Older →
      </button>
      <Field label="Rows per page" className="inline">
        <select
          value={pageSize}
          onChange={(e) => {
            const n = Number(e.target.value);
            const size = PAGE_SIZES.find((s) => s === n);
            if (size) onPageSize(size);
          }}
        >
          {PAGE_SIZES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </Field>
    </div>
  );
}
