/** The records of a zone, with live highlights and (for writers) edit/delete controls. */
import type { ReactNode } from 'react';
import type { DnsRecord } from '@hdns/protocol/rest';
import { ConfirmButton } from '../../components/ConfirmButton';
import { HighlightBadge } from '../../components/HighlightBadge';
import { Empty } from '../../components/StateViews';
import type { Highlight } from '../../hooks/use-highlights';

function extra(r: DnsRecord): string {
  switch (r.type) {
    case 'MX':
      return `priority ${r.priority ?? 0}`;
    case 'SRV':
      return `${r.priority ?? 0} ${r.weight ?? 0} ${r.port ?? 0}`;
    case 'CAA':
      return `${r.flags ?? 0} ${r.tag ?? 'issue'}`;
    default:
      return '';
  }
}

export function RecordTable({
  records,
  highlights,
  writable,
  onEdit,
  onDelete,
}: {
  records: readonly DnsRecord[];
  highlights: ReadonlyMap<string, Highlight>;
  writable: boolean;
  onEdit: (r: DnsRecord) => void;
  onDelete: (r: DnsRecord) => Promise<void>;
}): ReactNode {
  if (records.length === 0)
    return <Empty>No records yet.{writable && ' Add the first one.'}</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Records">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Value</th>
            <th scope="col">TTL</th>
            {writable && (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {records.map((r) => {
            const h = highlights.get(r.id);
            return (
              <tr
                key={r.id}
                className={h ? `row-live row-${h.kind}` : undefined}
                data-testid="record-row"
              >
                <td data-label="Name" className="mono">
                  {r.name} <HighlightBadge highlight={h} />
                </td>
                <td data-label="Type">{r.type}</td>
                <td data-label="Value" className="mono break">
                  {extra(r) && <span className="muted">{extra(r)} </span>}
                  {r.value}
                </td>
                <td data-label="TTL">{r.ttl ?? <span className="muted">default</span>}</td>
                {writable && (
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={`Edit ${r.name} ${r.type}`}
                      onClick={() => onEdit(r)}
                    >
                      Edit
                    </button>
                    <ConfirmButton
                      label="Delete"
                      ariaLabel={`Delete ${r.name} ${r.type}`}
                      onConfirm={() => onDelete(r)}
                    />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
