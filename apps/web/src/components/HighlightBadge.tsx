/** "updated by alice" next to a row that just changed live. */
import type { ReactNode } from 'react';
import type { Highlight } from '../hooks/use-highlights';

export function HighlightBadge({ highlight }: { highlight: Highlight | undefined }): ReactNode {
  if (!highlight) return null;
  const who = highlight.mine ? 'you' : highlight.actor || 'the system';
  return (
    <span className={`live-badge live-${highlight.kind}`} data-testid="live-badge">
      {highlight.kind} by {who}
    </span>
  );
}
