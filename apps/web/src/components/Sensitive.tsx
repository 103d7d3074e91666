/**
 * A field the server may redact for this reader's role. The server sends '[redacted]'; we show
 * that as a marker rather than as if it were an address, so nobody mistakes it for data.
 */
import type { ReactNode } from 'react';
import { isRedacted } from '../format';

export function Sensitive({ value }: { value: string | null | undefined }): ReactNode {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (isRedacted(value)) {
    return (
      <span className="redacted" title="Hidden for your role">
        redacted
      </span>
    );
  }
  return <span className="mono">{value}</span>;
}
