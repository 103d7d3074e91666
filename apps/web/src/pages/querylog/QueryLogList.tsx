/**
 * The rows, virtualized with @tanstack/react-virtual: only what is on screen is in the DOM, so
 * 5,000 rows scroll as smoothly as 50. Blocked queries are highlighted. Queries from dnstap show
 * their rcode, latency, transport and answer; a partial one (published from the text log before
 * its dnstap facts arrived) says its answer is pending until the completion replaces it; queries
 * from the text log alone (a BIND without dnstap) only say ok or blocked.
 */
import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Link } from 'react-router';
import { Sensitive } from '../../components/Sensitive';
import { Empty } from '../../components/StateViews';
import { formatLatency, formatNumber, formatTime, isRedacted } from '../../format';
import type { QueryRow } from './query-buffer';
import { RcodeBadge } from '../../components/RcodeBadge';

const ROW_HEIGHT = 34;

/** The client address, linked to its client page when this reader may see it. */
function ClientCell({ ip }: { ip: string }): ReactNode {
  if (isRedacted(ip)) return <Sensitive value={ip} />;
  return (
    <Link to={`/clients/${encodeURIComponent(ip)}`} className="mono" title={`Queries of ${ip}`}>
      {ip}
    </Link>
  );
}

function ResultCell({ r }: { r: QueryRow }): ReactNode {
  const blocked = r.blocked ? (
    <span className="pill pill-bad" title={r.rpzAction ? `RPZ action ${r.rpzAction}` : undefined}>
      blocked{r.rpzAction ? ` · ${r.rpzAction}` : ''}
    </span>
  ) : null;
  if (r.rcode !== undefined)
    return (
      <>
        <RcodeBadge rcode={r.rcode} /> {blocked}
      </>
    );
  if (r.partial)
    return (
      <>
        <span className="muted pending" title="The answer facts arrive from dnstap shortly">
          answer pending…
        </span>{' '}
        {blocked}
      </>
    );
  return blocked ?? <span className="muted">ok</span>;
}

export function QueryLogList({
  rows,
  paused,
  filtered,
  showNode,
}: {
  rows: readonly QueryRow[];
  paused: boolean;
  filtered: boolean;
  /** More than one named answered: say which one on each row. */
  showNode: boolean;
}): ReactNode {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => rows[i]?.id ?? i,
  });

  if (rows.length === 0) {
    return (
      <Empty>
        {filtered
          ? 'No queries match the filters.'
          : paused
            ? 'Paused. Resume to see new queries.'
            : 'Waiting for queries… They appear here as BIND logs them.'}
      </Empty>
    );
  }

  return (
    <div
      className={`qlog${showNode ? ' qlog-nodes' : ''}`}
      role="table"
      aria-label="DNS queries"
      aria-rowcount={rows.length}
    >
      <div className="qlog-row qlog-header" role="row">
        <span role="columnheader">Time</span>
        <span role="columnheader">Client</span>
        <span role="columnheader">Domain</span>
        <span role="columnheader">Type</span>
        <span role="columnheader">Result</span>
        <span role="columnheader">Latency</span>
        <span role="columnheader">Via</span>
        <span role="columnheader">Answer</span>
        {showNode && <span role="columnheader">Node</span>}
      </div>
      <div ref={scrollRef} className="qlog-scroll" tabIndex={0} aria-label="Query rows, scrollable">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
          {virtualizer.getVirtualItems().map((item) => {
            const r = rows[item.index];
            if (!r) return null;
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 1}
                className={`qlog-row${r.blocked ? ' blocked' : ''}${r.partial ? ' partial' : ''}`}
                data-testid="query-row"
                data-partial={r.partial ? 'true' : undefined}
                data-rcode={r.rcode}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <span role="cell" className="muted">
                  {formatTime(r.ts)}
                </span>
                <span role="cell" className="ellipsis">
                  <ClientCell ip={r.clientIp} />
                </span>
                <span role="cell" className="mono ellipsis" title={r.qname}>
                  {r.qname}
                </span>
                <span role="cell" title={`${r.qclass} · query flags ${r.flags}`}>
                  {r.qtype}
                </span>
                <span role="cell" className="qlog-result">
                  <ResultCell r={r} />
                </span>
                <span
                  role="cell"
                  className="num"
                  data-testid="query-latency"
                  title={
                    (r.latencyMs ?? 0) >= 10_000
                      ? `${formatNumber(r.latencyMs ?? 0, 0)} ms`
                      : undefined
                  }
                >
                  {formatLatency(r.latencyMs)}
                </span>
                <span role="cell" className="muted small">
                  {r.transport ?? ''}
                </span>
                <span role="cell" className="mono ellipsis small" title={r.answer}>
                  {r.answer ?? (r.answerCount === 0 ? '—' : '')}
                </span>
                {showNode && (
                  <span role="cell" className="muted small ellipsis" title={r.node}>
                    {r.node ?? ''}
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
