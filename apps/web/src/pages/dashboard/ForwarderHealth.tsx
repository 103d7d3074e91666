/**
 * One card per forwarder. The configured list comes from REST; the state from the newest
 * health_update snapshot, overridden by any forwarder_status_change that arrived after it
 * (transitions are immediate, snapshots periodic). Where dnstap sees the exchanges with a
 * forwarder, query_stats adds its real response times (p50/p99) and failures over the window.
 */
import { useState, type ReactNode } from 'react';
import type { EventFrame } from '@hdns/client';
import { useRealtimeEvent } from '@hdns/react';
import { Link } from 'react-router';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { canEditPolicy } from '../../auth/permissions';
import { Empty, ErrorState, Loading } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { useSeededLatest } from '../../realtime/use-seeded-latest';
import { Sensitive } from '../../components/Sensitive';
import { useSeries } from '../../components/use-series';
import { formatNumber } from '../../format';
import { useMetricsHistory } from './metrics-history';

interface CardState {
  id: string;
  name: string;
  address: string;
  status: 'healthy' | 'degraded' | 'down' | 'unknown';
  latencyMs: number | null;
  failures: number;
}

export function ForwarderHealth(): ReactNode {
  const api = useApi();
  const user = useSignedIn();
  const configured = useResource((signal) => api.listForwarders({ signal }), 'forwarders');
  const snapshot = useSeededLatest('health_update');
  const [changes, setChanges] = useState<
    ReadonlyMap<string, EventFrame<'forwarder_status_change'>>
  >(new Map());

  useRealtimeEvent('forwarder_status_change', (e) => {
    setChanges((m) => new Map(m).set(e.data.forwarderId, e));
  });
  useRealtimeEvent('health_update', () => setChanges(new Map()));
  const history = useMetricsHistory();
  useSeries(history.qps); // every stats round: re-render with the newest upstream figures
  const stats = history.longestWindow();
  const upstream = new Map((stats?.forwarders ?? []).map((f) => [f.address, f]));

  const cards = new Map<string, CardState>();
  for (const f of configured.data?.forwarders ?? []) {
    cards.set(f.id, {
      id: f.id,
      name: f.name,
      address: f.port === 53 ? f.address : `${f.address}#${f.port}`,
      status: f.enabled ? 'unknown' : 'down',
      latencyMs: null,
      failures: 0,
    });
  }
  for (const f of snapshot.data?.forwarders ?? []) {
    cards.set(f.id, {
      id: f.id,
      name: f.name,
      address: f.address,
      status: f.status,
      latencyMs: f.latencyMs,
      failures: f.consecutiveFailures,
    });
  }
  for (const [id, e] of changes) {
    const prev = cards.get(id);
    cards.set(id, {
      id,
      name: e.data.name,
      address: e.data.address,
      status: e.data.to,
      latencyMs: e.data.latencyMs,
      failures: e.data.consecutiveFailures ?? prev?.failures ?? 0,
    });
  }

  const list = [...cards.values()];
  return (
    <article className="card span-2" aria-labelledby="fwd-title">
      <header className="card-head">
        <h2 id="fwd-title">Forwarders</h2>
        {canEditPolicy(user) && (
          <Link to="/settings#forwarders" className="small">
            Edit forwarders
          </Link>
        )}
        {snapshot.data && (
          <span className={`pill pill-${tone(snapshot.data.overall)}`}>
            {snapshot.data.overall}
          </span>
        )}
      </header>
      {configured.error !== undefined && (
        <ErrorState error={configured.error} onRetry={configured.reload} />
      )}
      {list.length === 0 ? (
        configured.loading ? (
          <Loading />
        ) : (
          <Empty>No forwarders configured.</Empty>
        )
      ) : (
        <ul className="fwd-cards">
          {list.map((c) => (
            <li key={c.id} className={`fwd-card fwd-${tone(c.status)}`}>
              <div className="fwd-name">{c.name}</div>
              <div className="small">
                <Sensitive value={c.address} />
              </div>
              <div className="fwd-status">
                <span className={`pill pill-${tone(c.status)}`}>{c.status}</span>
                <span className="muted small">
                  {c.latencyMs === null ? 'no answer' : `${c.latencyMs.toFixed(0)} ms`}
                  {c.failures > 0 && ` · ${c.failures} failed`}
                </span>
              </div>
              {upstream.has(c.address) && stats && (
                <Upstream figures={upstream.get(c.address)!} windowSec={stats.windowSec} />
              )}
            </li>
          ))}
        </ul>
      )}
    </article>
  );
}

/** What dnstap saw of the exchanges with one forwarder over the stats window. */
function Upstream({
  figures: f,
  windowSec,
}: {
  figures: { queries: number; failures: number; p50Ms: number; p99Ms: number };
  windowSec: number;
}): ReactNode {
  return (
    <div className="muted small" data-testid="forwarder-upstream">
      last {windowSec}s: {formatNumber(f.queries)} queries · p50 {formatNumber(f.p50Ms, 0)} ms · p99{' '}
      {formatNumber(f.p99Ms, 0)} ms{f.failures > 0 && ` · ${formatNumber(f.failures)} failed`}
    </div>
  );
}

function tone(status: string): 'ok' | 'warn' | 'bad' | 'muted' {
  if (status === 'healthy') return 'ok';
  if (status === 'degraded') return 'warn';
  if (status === 'down') return 'bad';
  return 'muted';
}
