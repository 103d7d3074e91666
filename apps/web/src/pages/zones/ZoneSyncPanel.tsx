/**
 * A zone's serials: the database's, the one named serves and each secondary's, with every one
 * that differs from the database's marked. Seeded from GET /api/zones/:zone/sync, then live
 * from the zone_sync events of this zone (latest value wins).
 */
import { useState, type ReactNode } from 'react';
import type { EventFrame } from '@hdns/client';
import type { ZoneSync } from '@hdns/protocol/rest';
import { useRealtimeEvent } from '@hdns/react';
import { useApi } from '../../auth/auth-context';
import { ErrorState, Loading } from '../../components/StateViews';
import { formatDateTime } from '../../format';
import { useResource } from '../../hooks/use-resource';
import { useOnResync } from '../../realtime/use-resync';
import { serialRows, stateLabel, stateTone } from '../replication/replication-view';

export function ZoneSyncPanel({ zone }: { zone: string }): ReactNode {
  const api = useApi();
  const seed = useResource(
    (signal) => api.getZoneSync({ params: { zone }, signal }),
    `zone-sync:${zone}`,
  );
  const [live, setLive] = useState<ZoneSync | undefined>(undefined);
  useOnResync(() => {
    setLive(undefined);
    seed.reload();
  });
  useRealtimeEvent('zone_sync', (e: EventFrame<'zone_sync'>) => {
    if (e.data.zone === zone) setLive({ ...e.data, secondaries: [...e.data.secondaries] });
  });

  const sync = live ?? seed.data;
  if (!sync) {
    return seed.error !== undefined ? (
      <ErrorState error={seed.error} onRetry={seed.reload} />
    ) : (
      <Loading label="Loading serials…" />
    );
  }
  const rows = serialRows(sync);
  return (
    <section className="card" aria-label="Serials" data-drift={sync.drift}>
      <div className="card-head">
        <h2>
          Serials{' '}
          <span className={`pill pill-${sync.drift ? 'warn' : 'ok'}`} data-testid="zone-drift">
            {sync.drift ? 'drift' : 'in sync'}
          </span>
        </h2>
        <span className="muted small">
          {sync.checkedAt ? `checked ${formatDateTime(sync.checkedAt)}` : 'not checked yet'}
        </span>
      </div>
      <div className="table-wrap">
        <table className="table compact" aria-label="Zone serials">
          <thead>
            <tr>
              <th scope="col">Where</th>
              <th scope="col">Serial</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            <tr data-testid="serial-db">
              <td>Database</td>
              <td className="mono">{sync.dbSerial ?? '—'}</td>
              <td />
            </tr>
            {rows.map((r) => (
              <tr
                key={r.key}
                data-testid={r.key === 'served' ? 'serial-served' : 'serial-secondary'}
                data-drift={r.drift}
                className={r.drift ? 'drift' : undefined}
              >
                <td>{r.label}</td>
                <td className="mono">
                  {r.serial ?? '—'}
                  {r.drift && <span className="pill pill-warn"> differs</span>}
                </td>
                <td>
                  {r.state && (
                    <span className={`pill pill-${stateTone(r.state)}`}>{stateLabel(r.state)}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
