/**
 * The query store at a glance: backend, rows, size against its cap, retention, the time span
 * held, and how much of the traffic it keeps (stored vs not stored, sampling).
 */
import type { ReactNode } from 'react';
import type { QueryStoreStatus } from '@hdns/protocol/rest';
import { isApiError } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Empty, ResourceView } from '../../components/StateViews';
import { formatDateTime, formatNumber } from '../../format';
import { useResource } from '../../hooks/use-resource';

const MB = 1024 * 1024;

const SOURCE_LABELS: Record<QueryStoreStatus['source'], string> = {
  dnstap: 'dnstap',
  querylog: 'text query log (no rcode, latency or answer)',
  none: 'none (no query source running)',
};

function sampling(s: QueryStoreStatus): string {
  return s.sampleEvery > 1 ? `sampling 1 in ${formatNumber(s.sampleEvery)}` : 'every query';
}

export function StoreStatusPanel({ refreshKey }: { refreshKey: number }): ReactNode {
  const api = useApi();
  const status = useResource(
    (signal) => api.queryStoreStatus({ signal }),
    `query-store:${refreshKey}`,
  );
  if (isApiError(status.error, 'QUERY_STORE_OFF')) {
    return (
      <article className="card" aria-labelledby="store-title">
        <h2 id="store-title">Query store</h2>
        <Empty>
          The query store is off (HDNS_QUERY_STORE=false): there is no history to search.
        </Empty>
      </article>
    );
  }
  return (
    <article className="card" aria-labelledby="store-title" data-testid="store-status">
      <header className="card-head">
        <h2 id="store-title">Query store</h2>
      </header>
      <ResourceView resource={status}>
        {(s) => {
          const percent = Math.min(100, (s.bytes / s.maxBytes) * 100);
          return (
            <>
              <dl className="stat-row">
                <div>
                  <dt>Stored queries</dt>
                  <dd data-testid="store-rows">{formatNumber(s.rows)}</dd>
                </div>
                <div>
                  <dt>Size</dt>
                  <dd>
                    {formatNumber(s.bytes / MB, 1)} MB{' '}
                    <span className="muted small">of {formatNumber(s.maxBytes / MB)} MB</span>
                  </dd>
                </div>
                <div>
                  <dt>Retention</dt>
                  <dd>{formatNumber(s.retentionDays)} days</dd>
                </div>
              </dl>
              <div
                className="progress"
                role="meter"
                aria-label="Store size against its maximum"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(percent)}
              >
                <div className="progress-bar" style={{ width: `${percent}%` }} />
              </div>
              <dl className="facts" style={{ marginTop: '0.75rem' }}>
                <dt>Backend</dt>
                <dd>{s.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}</dd>
                <dt>Source</dt>
                <dd data-testid="store-source">{SOURCE_LABELS[s.source]}</dd>
                <dt>Oldest</dt>
                <dd>{s.oldest ? formatDateTime(s.oldest) : '—'}</dd>
                <dt>Newest</dt>
                <dd>{s.newest ? formatDateTime(s.newest) : '—'}</dd>
                <dt>Since start</dt>
                <dd>
                  {formatNumber(s.stored)} stored, {formatNumber(s.notStored)} not stored
                </dd>
                <dt>Sampling</dt>
                <dd data-testid="store-sampling">
                  {s.sampleEvery > 1 ? (
                    <span className="pill pill-warn">{sampling(s)}</span>
                  ) : (
                    sampling(s)
                  )}
                </dd>
              </dl>
            </>
          );
        }}
      </ResourceView>
    </article>
  );
}
