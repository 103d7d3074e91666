/** One page of stored queries, newest first. Client addresses open that client's page. */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { QueryRecord } from '@hdns/protocol/rest';
import { formatDateTime, formatNumber } from '../../format';
import { RcodeBadge } from '../../components/RcodeBadge';

export const clientPath = (ip: string): string => `/clients/${encodeURIComponent(ip)}`;

export function QueryTable({
  rows,
  label = 'Stored queries',
}: {
  rows: readonly QueryRecord[];
  label?: string;
}): ReactNode {
  return (
    <div className="table-wrap">
      <table className="table compact" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Client</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Rcode</th>
            <th scope="col">Latency</th>
            <th scope="col">Transport</th>
            <th scope="col">Answer</th>
            <th scope="col">Blocked</th>
            <th scope="col">Node</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="history-row" data-id={r.id}>
              <td data-label="Time" className="muted nowrap">
                {formatDateTime(r.ts)}
              </td>
              <td data-label="Client" className="nowrap">
                <Link to={clientPath(r.clientIp)} className="mono">
                  {r.clientIp}
                </Link>
              </td>
              <td data-label="Name" className="mono break" data-testid="history-name">
                {r.qname}
              </td>
              <td data-label="Type">{r.qtype}</td>
              <td data-label="Rcode">
                <RcodeBadge rcode={r.rcode} />
              </td>
              <td data-label="Latency" className="nowrap">
                {r.latencyMs === null ? (
                  <span className="muted">—</span>
                ) : (
                  `${formatNumber(r.latencyMs, 1)} ms`
                )}
              </td>
              <td data-label="Transport">{r.transport.toUpperCase()}</td>
              <td data-label="Answer" className="mono small break" title={r.answer ?? undefined}>
                {r.answer ?? <span className="muted">—</span>}
              </td>
              <td data-label="Blocked">
                {r.blocked ? (
                  <span className="pill pill-bad" title={r.rpzAction ?? undefined}>
                    blocked{r.rpzAction ? ` (${r.rpzAction})` : ''}
                  </span>
                ) : (
                  <span className="muted">no</span>
                )}
              </td>
              <td data-label="Node" className="small">
                {r.node ?? <span className="muted">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
