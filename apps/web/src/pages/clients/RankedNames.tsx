/** A ranked list of names with bars; each name opens the history filtered to it and the client. */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { RankedList } from '../../components/RankedList';

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
  return (
    <RankedList
      title={title}
      empty={empty}
      testId={testId}
      rows={rows.map((r) => ({
        key: r.name,
        count: r.count,
        label: (
          <Link className="mono" to={historyLink(r.name)} title={r.name}>
            {r.name}
          </Link>
        ),
      }))}
    />
  );
}
