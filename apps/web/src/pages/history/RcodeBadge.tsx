/** A response code as a coloured pill: success green, NXDOMAIN amber, failures red. */
import type { ReactNode } from 'react';

export function rcodeTone(rcode: string | null): 'ok' | 'warn' | 'bad' | 'muted' {
  if (rcode === null) return 'muted';
  if (rcode === 'NOERROR') return 'ok';
  if (rcode === 'NXDOMAIN') return 'warn';
  return 'bad';
}

export function RcodeBadge({ rcode }: { rcode: string | null }): ReactNode {
  if (rcode === null) {
    return (
      <span className="muted" title="Not known (text query log)">
        —
      </span>
    );
  }
  return <span className={`pill pill-${rcodeTone(rcode)}`}>{rcode}</span>;
}
