/**
 * A response code as a coloured badge, the same on every page: NOERROR neutral, NXDOMAIN amber
 * (often harmless, but a flood of them is a symptom), SERVFAIL and REFUSED red (the resolver
 * failed or said no), anything else muted. Null (the text query log knows no rcode) is a dash.
 */
import type { ReactNode } from 'react';

export type RcodeTone = 'neutral' | 'warn' | 'bad' | 'muted';

export function rcodeTone(rcode: string | null): RcodeTone {
  switch (rcode?.toUpperCase()) {
    case 'NOERROR':
      return 'neutral';
    case 'NXDOMAIN':
      return 'warn';
    case 'SERVFAIL':
    case 'REFUSED':
      return 'bad';
    default:
      return 'muted';
  }
}

export function RcodeBadge({ rcode }: { rcode: string | null }): ReactNode {
  if (rcode === null) {
    return (
      <span className="muted" title="Not known (text query log)">
        —
      </span>
    );
  }
  const tone = rcodeTone(rcode);
  return (
    <span className={`pill${tone === 'neutral' ? '' : ` pill-${tone}`}`} data-rcode={rcode}>
      {rcode}
    </span>
  );
}
