/**
 * Top domains and clients from the newest query_stats (client addresses may be redacted), and,
 * from dnstap, the names answered NXDOMAIN and SERVFAIL most often.
 */
import type { ReactNode } from 'react';
import { useSeededLatest } from '../../realtime/use-seeded-latest';
import { useMetricsHistory } from './metrics-history';
import { useSeries } from '../../components/use-series';
import { Sensitive } from '../../components/Sensitive';
import { Empty, Loading } from '../../components/StateViews';
import { RankedList } from '../../components/RankedList';
import { formatNumber } from '../../format';

const SHOWN = 8;

const names = (list: readonly { name: string; count: number }[]) =>
  list.map((t) => ({ key: t.name, label: <span className="mono">{t.name}</span>, count: t.count }));

/** A client address, with its blocked and NXDOMAIN counts (dnstap) on hover. */
function ClientLabel({
  client: c,
}: {
  client: { ip: string; blocked?: number | undefined; nxdomain?: number | undefined };
}): ReactNode {
  const facts = [
    c.blocked !== undefined ? `${formatNumber(c.blocked)} blocked` : '',
    c.nxdomain !== undefined ? `${formatNumber(c.nxdomain)} NXDOMAIN` : '',
  ].filter(Boolean);
  return (
    <span title={facts.join(' · ') || undefined}>
      <Sensitive value={c.ip} />
    </span>
  );
}

export function TopLists(): ReactNode {
  const stats = useSeededLatest('query_stats');
  const history = useMetricsHistory();
  useSeries(history.qps); // every stats round also extends the chart: re-render with it
  const d = history.longestWindow() ?? stats.data;
  return (
    <article className="card span-2" aria-labelledby="top-title">
      <header className="card-head">
        <h2 id="top-title">Top domains and clients</h2>
        {d && (
          <span className="muted small">
            last {d.windowSec}s · {formatNumber(d.total)} queries
          </span>
        )}
      </header>
      {!d ? (
        stats.loading ? (
          <Loading />
        ) : (
          <Empty>No query statistics yet.</Empty>
        )
      ) : (
        <div className="two-col">
          <RankedList limit={SHOWN} title="Domains" rows={names(d.topDomains)} />
          <RankedList
            limit={SHOWN}
            title="Clients"
            rows={d.topClients.map((t, i) => ({
              key: `${t.ip}-${i}`,
              label: <ClientLabel client={t} />,
              count: t.count,
            }))}
          />
          {d.topNxdomain && (
            <RankedList
              limit={SHOWN}
              title="NXDOMAIN names"
              empty="No NXDOMAIN answers in this window."
              rows={names(d.topNxdomain)}
            />
          )}
          {d.topServfail && (
            <RankedList
              limit={SHOWN}
              title="SERVFAIL names"
              empty="No SERVFAIL answers in this window."
              rows={names(d.topServfail)}
            />
          )}
        </div>
      )}
    </article>
  );
}
