/** A client's response codes as one stacked bar with a legend (counts and shares). */
import type { ReactNode } from 'react';
import { formatNumber } from '../../format';
import { RcodeBadge, rcodeTone } from '../../components/RcodeBadge';

const TONE_COLOURS = {
  neutral: 'var(--accent)',
  warn: 'var(--warn)',
  bad: 'var(--bad)',
  muted: 'var(--muted)',
} as const;

export function RcodeMix({ rcodes }: { rcodes: Readonly<Record<string, number>> }): ReactNode {
  const entries = Object.entries(rcodes)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return <p className="muted small">No answers in this range.</p>;
  return (
    <div data-testid="rcode-mix">
      <div
        className="progress"
        role="img"
        aria-label={entries.map(([r, n]) => `${r} ${n}`).join(', ')}
        style={{ display: 'flex', height: '0.9rem' }}
      >
        {entries.map(([rcode, n]) => (
          <div
            key={rcode}
            title={`${rcode}: ${formatNumber(n)}`}
            style={{
              width: `${(n / total) * 100}%`,
              background: TONE_COLOURS[rcodeTone(rcode)],
            }}
          />
        ))}
      </div>
      <ul
        className="plain small"
        style={{ display: 'flex', flexWrap: 'wrap', gap: '0.75rem', listStyle: 'none', padding: 0 }}
      >
        {entries.map(([rcode, n]) => (
          <li key={rcode} data-testid="rcode-count" data-rcode={rcode}>
            <RcodeBadge rcode={rcode} /> {formatNumber(n)}{' '}
            <span className="muted">({formatNumber((n / total) * 100, 1)}%)</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
