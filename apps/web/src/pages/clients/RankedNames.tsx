/** A ranked list of names with bars; each name opens the history filtered to it and the client. */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Empty } from '../../components/StateViews';
import { formatNumber } from '../../format';

export function RankedNames({
  title,
  rows,
  historyLink,
  empty,
  testId,
}: {
  title: string;
  rows: readonly { name: string; count: number }[];
  historyLink: (name: string) => string;
  empty: string;
  testId: string;
}): ReactNode {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <div>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <Empty>{empty}</Empty>
      ) : (
        <ol className="ranked" data-testid={testId}>
          {rows.map((r) => (
            <li key={r.name}>
              <Link className="ranked-label mono" to={historyLink(r.name)} title={r.name}>
                {r.name}
              </Link>
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
