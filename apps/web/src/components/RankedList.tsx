/** A ranked list with proportional bars (top domains, clients, a client's names …). */
import type { ReactNode } from 'react';
import { formatNumber } from '../format';
import { Empty } from './StateViews';

export interface RankedRow {
  key: string;
  label: ReactNode;
  count: number;
}

export function RankedList({
  title,
  rows,
  empty = 'No queries in this window.',
  limit,
  testId,
}: {
  title: string;
  rows: readonly RankedRow[];
  empty?: string;
  /** At most this many rows are shown; default all. */
  limit?: number;
  testId?: string;
}): ReactNode {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <div>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        <ol className="ranked" {...(testId ? { 'data-testid': testId } : {})}>
          {rows.slice(0, limit).map((r) => (
            <li key={r.key}>
              <span className="ranked-label">{r.label}</span>
              <span
                className="ranked-bar"
                style={{ width: `${(r.count / max) * 100}%` }}
                aria-hidden="true"
              />
              <span className="ranked-count">{formatNumber(r.count)}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
