/**
 * A response code as a coloured badge: NOERROR neutral, NXDOMAIN amber (often harmless, but a
 * flood of them is a symptom), SERVFAIL and REFUSED red (the resolver failed or said no).
 */
import type { ReactNode } from 'react';

export function rcodeTone(rcode: string): 'muted' | 'warn' | 'bad' | '' {
  switch (rcode.toUpperCase()) {
    case 'NOERROR':
      return '';
    case 'NXDOMAIN':
      return 'warn';
    case 'SERVFAIL':
    case 'REFUSED':
      return 'bad';
    default:
      return 'muted';
  }
}

export function RcodeBadge({ rcode }: { rcode: string }): ReactNode {
  const tone = rcodeTone(rcode);
  return (
    <span className={`pill${tone ? ` pill-${tone}` : ''}`} data-rcode={rcode}>
      {rcode}
    </span>
  );
}
