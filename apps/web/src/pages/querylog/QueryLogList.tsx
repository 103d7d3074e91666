/**
 * The rows, virtualized with @tanstack/react-virtual: only what is on screen is in the DOM, so
 * 5,000 rows scroll as smoothly as 50. Blocked queries are highlighted.
 */
import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Sensitive } from '../../components/Sensitive';
import { Empty } from '../../components/StateViews';
import { formatTime } from '../../format';
import type { QueryRow } from './query-buffer';

const ROW_HEIGHT = 34;

export function QueryLogList({
  rows,
  paused,
  filtered,
}: {
  rows: readonly QueryRow[];
  paused: boolean;
  filtered: boolean;
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
    <div className="qlog" role="table" aria-label="DNS queries" aria-rowcount={rows.length}>
      <div className="qlog-row qlog-header" role="row">
        <span role="columnheader">Time</span>
        <span role="columnheader">Client</span>
        <span role="columnheader">Domain</span>
        <span role="columnheader">Type</span>
        <span role="columnheader">Flags</span>
        <span role="columnheader">Result</span>
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
                className={`qlog-row${r.blocked ? ' blocked' : ''}`}
                data-testid="query-row"
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
                <span role="cell">
                  <Sensitive value={r.clientIp} />
                </span>
                <span role="cell" className="mono ellipsis" title={r.qname}>
                  {r.qname}
                </span>
                <span role="cell">{r.qtype}</span>
                <span role="cell" className="mono muted">
                  {r.flags}
                </span>
                <span role="cell">
                  {r.blocked ? (
                    <span className="pill pill-bad">blocked</span>
                  ) : (
                    <span className="muted">ok</span>
                  )}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
