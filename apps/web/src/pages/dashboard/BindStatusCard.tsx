/**
 * BIND's state from bind_status: running, version, uptime, zones, rcodes, and where the query
 * facts come from (dnstap, the text query log, or none) and why. The zone count and the request
 * rate are named's own figures, labelled as such (figure-labels.ts).
 */
import type { ReactNode } from 'react';
import { useSeededLatest } from '../../realtime/use-seeded-latest';
import { Empty, Loading } from '../../components/StateViews';
import { formatDuration, formatNumber, formatTime } from '../../format';
import { BIND_RATE_NOTE, ZONES_NOTE } from './figure-labels';

const SOURCE_LABEL = {
  dnstap: 'dnstap (answers, response codes, latency)',
  querylog: 'text query log (queries only)',
  none: 'none',
} as const;

export function BindStatusCard(): ReactNode {
  const { data: d, ts, loading } = useSeededLatest('bind_status');
  return (
    <article className="card" aria-labelledby="bind-title">
      <header className="card-head">
        <h2 id="bind-title">BIND</h2>
        {d && (
          <span className={`pill ${d.running ? 'pill-ok' : 'pill-bad'}`}>
            {d.running ? 'running' : 'stopped'}
          </span>
        )}
      </header>
      {!d ? (
        loading ? (
          <Loading />
        ) : (
          <Empty>No status reported yet.</Empty>
        )
      ) : (
        <dl className="facts">
          <dt>Version</dt>
          <dd>{d.version ?? 'unknown'}</dd>
          <dt>Mode</dt>
          <dd>{d.managed ? 'managed by this server' : 'external'}</dd>
          <dt>Uptime</dt>
          <dd>{d.uptimeSec === null ? '—' : formatDuration(d.uptimeSec)}</dd>
          <dt>Zones in named</dt>
          <dd data-testid="bind-zones">
            {formatNumber(d.zonesLoaded)}{' '}
            <span className="muted small" title={ZONES_NOTE}>
              incl. internal
            </span>
          </dd>
          <dt>Requests/s</dt>
          <dd data-testid="bind-qps">
            {formatNumber(d.qps, 1)}{' '}
            <span className="muted small" title={BIND_RATE_NOTE}>
              named, 10 s avg
            </span>
          </dd>
          <dt>RPZ rewrites</dt>
          <dd>{formatNumber(d.rpzRewrites)}</dd>
          <dt>Responses</dt>
          <dd className="small">
            {Object.entries(d.rcodes)
              .map(([k, v]) => `${k} ${formatNumber(v)}`)
              .join(' · ') || '—'}
          </dd>
          {d.querySource !== undefined && (
            <>
              <dt>Query source</dt>
              <dd data-testid="query-source">
                {SOURCE_LABEL[d.querySource]}
                {d.querySourceReason && <div className="muted small">{d.querySourceReason}</div>}
              </dd>
            </>
          )}
          {ts && (
            <>
              <dt>Updated</dt>
              <dd className="muted">{formatTime(ts)}</dd>
            </>
          )}
        </dl>
      )}
    </article>
  );
}
