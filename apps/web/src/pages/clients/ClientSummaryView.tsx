/** The figures of one client over a range: totals, blocked share, rcode and qtype mix, top names. */
import type { ReactNode } from 'react';
import type { ClientSummary } from '@hdns/protocol/rest';
import { formatDateTime, formatNumber } from '../../format';
import { filtersToParams, EMPTY_FILTERS } from '../history/history-filters';
import type { TimeRange } from '../history/time-range';
import { RankedNames } from './RankedNames';
import { RcodeMix } from './RcodeMix';

const TOP_SHOWN = 10;

export function ClientSummaryView({
  summary,
  range,
}: {
  summary: ClientSummary;
  range: TimeRange;
}): ReactNode {
  const share = summary.total === 0 ? 0 : (summary.blocked / summary.total) * 100;
  const qtypes = Object.entries(summary.qtypes)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => ({ name, count }));
  const historyLink = (extra: { name?: string; blocked?: 'true'; qtype?: string }) => {
    const params = filtersToParams(
      {
        ...EMPTY_FILTERS,
        range,
        client: summary.ip,
        ...(extra.name ? { name: extra.name, nameMatch: 'exact' as const } : {}),
        ...(extra.blocked ? { blocked: extra.blocked } : {}),
        ...(extra.qtype ? { qtype: extra.qtype } : {}),
      },
      100,
    );
    return `/queries/history?${params.toString()}`;
  };
  return (
    <>
      <dl className="stat-row" data-testid="client-totals">
        <div>
          <dt>Queries</dt>
          <dd data-testid="client-total">{formatNumber(summary.total)}</dd>
        </div>
        <div>
          <dt>Blocked</dt>
          <dd data-testid="client-blocked">{formatNumber(summary.blocked)}</dd>
        </div>
        <div>
          <dt>Blocked share</dt>
          <dd data-testid="client-blocked-share">{formatNumber(share, 1)}%</dd>
        </div>
        <div>
          <dt>First seen</dt>
          <dd className="small">{summary.firstSeen ? formatDateTime(summary.firstSeen) : '—'}</dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd className="small">{summary.lastSeen ? formatDateTime(summary.lastSeen) : '—'}</dd>
        </div>
      </dl>
      <h3>Response codes</h3>
      <RcodeMix rcodes={summary.rcodes} />
      <div className="two-col">
        <RankedNames
          title="Query types"
          rows={qtypes.slice(0, TOP_SHOWN)}
          historyLink={(qtype) => historyLink({ qtype })}
          empty="No queries in this range."
          testId="client-qtypes"
        />
        <RankedNames
          title="Top names"
          rows={summary.topNames.slice(0, TOP_SHOWN)}
          historyLink={(name) => historyLink({ name })}
          empty="No queries in this range."
          testId="client-top-names"
        />
        <RankedNames
          title="Top blocked names"
          rows={summary.topBlocked.slice(0, TOP_SHOWN)}
          historyLink={(name) => historyLink({ name, blocked: 'true' })}
          empty="Nothing blocked in this range."
          testId="client-top-blocked"
        />
      </div>
    </>
  );
}
