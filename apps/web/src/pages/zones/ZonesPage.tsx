/**
 * Zones: list, create (from the form, or from a BIND zone file), delete. Changes by anyone appear live (zone_* events reload the list)
 * with a highlight naming who made them.
 */
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { EventFrameUnion } from '@hdns/client';
import { useRealtimeEvent } from '@hdns/react';
import { errorMessage } from '../../api/api-error';
import type { Zone } from '@hdns/protocol/rest';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { canCreateZone, canWriteZone } from '../../auth/permissions';
import { ConfirmButton } from '../../components/ConfirmButton';
import { HighlightBadge } from '../../components/HighlightBadge';
import { ResourceView } from '../../components/StateViews';
import { useHighlights } from '../../hooks/use-highlights';
import { useResource } from '../../hooks/use-resource';
import { actorOf } from '../../realtime/describe-event';
import { useOnResync } from '../../realtime/use-resync';
import { showToast } from '../../shell/toast-store';
import { formatDateTime } from '../../format';
import { ZoneForm } from './ZoneForm';
import { ZoneFromFileForm } from './ZoneFromFileForm';

export function ZonesPage(): ReactNode {
  const api = useApi();
  const user = useSignedIn();
  const zones = useResource((signal) => api.listZones({ signal }), 'zones');
  const { highlights, mark } = useHighlights();
  const [creating, setCreating] = useState<'none' | 'form' | 'file'>('none');

  useOnResync(zones.reload);
  useRealtimeEvent('dns', (e: EventFrameUnion) => {
    if (
      e.event !== 'zone_created' &&
      e.event !== 'zone_updated' &&
      e.event !== 'zone_deleted' &&
      e.event !== 'record_created' &&
      e.event !== 'record_deleted'
    )
      return;
    zones.reload();
    if (e.event.startsWith('zone_')) {
      const kind =
        e.event === 'zone_created' ? 'created' : e.event === 'zone_deleted' ? 'deleted' : 'updated';
      mark(e.data.zone, {
        kind,
        actor: actorOf(e.meta),
        mine: e.meta.actor?.id === user.id,
      });
    }
  });

  const remove = async (zone: Zone) => {
    try {
      await api.deleteZone({ params: { zone: zone.name }, query: { version: zone.version } });
      zones.setData((d) => d && { zones: d.zones.filter((z) => z.id !== zone.id) });
      showToast({ level: 'success', title: `Zone ${zone.name} deleted` });
    } catch (err) {
      showToast({
        level: 'warning',
        title: `Could not delete ${zone.name}`,
        body: errorMessage(err),
      });
    }
  };

  return (
    <section className="page" aria-labelledby="zones-title">
      <div className="page-head">
        <h1 id="zones-title">Zones</h1>
        {canCreateZone(user) && creating === 'none' && (
          <div className="toolbar">
            <button type="button" className="btn" onClick={() => setCreating('file')}>
              New zone from file
            </button>
            <button type="button" className="btn btn-primary" onClick={() => setCreating('form')}>
              New zone
            </button>
          </div>
        )}
      </div>
      {creating === 'form' && (
        <ZoneForm
          onCancel={() => setCreating('none')}
          onCreated={(z) => {
            setCreating('none');
            zones.reload();
            showToast({ level: 'success', title: `Zone ${z.name} created` });
          }}
        />
      )}
      {creating === 'file' && (
        <ZoneFromFileForm
          onCancel={() => setCreating('none')}
          onCreated={(name) => {
            zones.reload();
            showToast({ level: 'success', title: `Zone ${name} created, importing its records` });
          }}
        />
      )}
      <ResourceView
        resource={zones}
        isEmpty={(d) => d.zones.length === 0}
        empty={
          canCreateZone(user) ? 'No zones yet. Create the first one.' : 'No zones you can see.'
        }
      >
        {(d) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Serial</th>
                  <th scope="col">Records</th>
                  <th scope="col">Updated</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {d.zones.map((z) => {
                  const h = highlights.get(z.name);
                  return (
                    <tr key={z.id} className={h ? `row-live row-${h.kind}` : undefined}>
                      <td data-label="Name">
                        <Link to={`/zones/${encodeURIComponent(z.name)}`} className="mono">
                          {z.name}
                        </Link>{' '}
                        <HighlightBadge highlight={h} />
                        {z.description && <div className="muted small">{z.description}</div>}
                      </td>
                      <td data-label="Type">{z.type}</td>
                      <td data-label="Serial" className="mono">
                        {z.serial ?? '—'}
                      </td>
                      <td data-label="Records">{z.type === 'primary' ? z.recordCount : '—'}</td>
                      <td data-label="Updated" className="muted">
                        {formatDateTime(z.updatedAt)}
                      </td>
                      <td className="actions">
                        {canWriteZone(user, z) && (
                          <ConfirmButton
                            label="Delete"
                            confirmLabel="Delete zone"
                            ariaLabel={`Delete zone ${z.name}`}
                            onConfirm={() => remove(z)}
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </ResourceView>
    </section>
  );
}
