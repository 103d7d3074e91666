/**
 * One zone's records: add, edit, delete, import. A secondary zone has none here to edit: its
 * page shows where it is transferred from instead (SecondaryZonePanel). Changes by anyone arrive as record_* events:
 * the list reloads and the changed row lights up with who changed it. A stale edit opens the
 * conflict view instead of overwriting.
 */
import { useRef, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { EventFrame, EventFrameUnion } from '@hdns/client';
import { useRealtimeEvent } from '@hdns/react';
import { errorMessage } from '../../api/api-error';
import type { DnsRecord, RecordFields } from '@hdns/protocol/rest';
import { useApi, useAuth, useSignedIn } from '../../auth/auth-context';
import { canWriteZone } from '../../auth/permissions';
import { Field } from '../../components/Field';
import { ImportPanel } from '../../components/ImportPanel';
import { ErrorState, Loading } from '../../components/StateViews';
import { useHighlights } from '../../hooks/use-highlights';
import { useResource } from '../../hooks/use-resource';
import { actorOf } from '../../realtime/describe-event';
import { useOnResync } from '../../realtime/use-resync';
import { showToast } from '../../shell/toast-store';
import { ConflictPanel } from './ConflictPanel';
import { draftOf, type RecordDraft } from './record-fields';
import { RecordForm, type StaleEdit } from './RecordForm';
import { RecordTable } from './RecordTable';
import { ZoneSettingsForm } from './ZoneSettingsForm';
import { DnssecPanel } from './DnssecPanel';
import { ZoneSyncPanel } from './ZoneSyncPanel';
import { SecondaryZonePanel } from './SecondaryZonePanel';
import { ZoneFileImportPanel } from './ZoneFileImportPanel';
import { downloadZone, type ExportFormat } from './zone-download';

type Editor =
  | { mode: 'none' }
  | { mode: 'add' }
  | { mode: 'import' }
  | { mode: 'settings' }
  | { mode: 'edit'; record: DnsRecord; draft?: RecordDraft; baseVersion?: number }
  | { mode: 'conflict'; record: DnsRecord; conflict: StaleEdit };

export function ZoneRecordsPage(): ReactNode {
  const { zone: zoneParam = '' } = useParams();
  const zoneName = zoneParam.toLowerCase();
  const api = useApi();
  const user = useSignedIn();
  const zone = useResource(
    (signal) => api.getZone({ params: { zone: zoneName }, signal }),
    `zone:${zoneName}`,
  );
  // Read-only until the zone is loaded: whether it needs an admin comes with it.
  const writable = zone.data !== undefined && canWriteZone(user, zone.data);
  const records = useResource(
    (signal) => api.listRecords({ params: { zone: zoneName }, signal }),
    `records:${zoneName}`,
  );
  const [editor, setEditor] = useState<Editor>({ mode: 'none' });
  const [importSource, setImportSource] = useState<'records' | 'zonefile' | 'axfr'>('records');
  const { session } = useAuth();
  const download = (format: ExportFormat): void => {
    downloadZone(session, zoneName, format).catch((err: unknown) =>
      showToast({ level: 'warning', title: `Export failed: ${errorMessage(err)}` }),
    );
  };
  const [deletedBy, setDeletedBy] = useState<string | undefined>(undefined);
  const { highlights, mark } = useHighlights();
  const lastActor = useRef(new Map<string, string>());

  // The zone's header (serial, counts) and its records, together: a write moves both.
  const reloadAll = (): void => {
    zone.reload();
    records.reload();
  };
  useOnResync(reloadAll);
  // An import (here, in another tab or by another operator) ends with this event, not with
  // record events: without it the header kept the serial from before the import.
  useRealtimeEvent('bulk_operation_complete', (e: EventFrame<'bulk_operation_complete'>) => {
    if (e.data.zone === zoneName && e.data.succeeded > 0) reloadAll();
  });
  useRealtimeEvent('dns', (e: EventFrameUnion) => {
    if (!('zone' in e.data) || e.data.zone !== zoneName) return;
    const actor = actorOf(e.meta);
    const mine = e.meta.actor?.id === user.id;
    switch (e.event) {
      case 'record_created':
      case 'record_updated':
      case 'record_deleted':
        lastActor.current.set(e.data.recordId, actor);
        mark(e.data.recordId, {
          kind:
            e.event === 'record_created'
              ? 'created'
              : e.event === 'record_updated'
                ? 'updated'
                : 'deleted',
          actor,
          mine,
        });
        records.reload();
        zone.reload();
        break;
      case 'zone_updated':
        zone.reload();
        break;
      case 'zone_deleted':
        setDeletedBy(mine ? 'you' : actor || 'someone');
        break;
      default:
        break;
    }
  });

  const remove = async (r: DnsRecord) => {
    try {
      await api.deleteRecord({
        params: { zone: zoneName, id: r.id },
        query: { version: r.version },
      });
      records.setData((d) => d && { records: d.records.filter((x) => x.id !== r.id) });
    } catch (err) {
      showToast({
        level: 'warning',
        title: `Could not delete ${r.name} ${r.type}`,
        body: errorMessage(err),
      });
      records.reload();
    }
  };

  const saved = (r: DnsRecord) => {
    setEditor({ mode: 'none' });
    records.reload();
    showToast({ level: 'success', title: `Saved ${r.name} ${r.type}` });
  };

  const overwrite = async (conflict: StaleEdit) => {
    try {
      const r = await api.updateRecord({
        params: { zone: zoneName, id: conflict.current.id },
        body: { ...conflict.mine, version: conflict.current.version },
      });
      saved(r);
    } catch (err) {
      showToast({ level: 'warning', title: 'Overwrite failed', body: errorMessage(err) });
    }
  };

  if (zone.error !== undefined && !zone.data) {
    return (
      <section className="page">
        <p>
          <Link to="/zones">← Zones</Link>
        </p>
        <ErrorState error={zone.error} onRetry={zone.reload} />
      </section>
    );
  }

  const z = zone.data;
  return (
    <section className="page" aria-labelledby="zone-title">
      <p className="crumbs">
        <Link to="/zones">← Zones</Link>
      </p>
      <div className="page-head">
        <h1 id="zone-title">
          <span className="mono">{zoneName}</span>
        </h1>
        {writable && z && editor.mode === 'none' && (
          <div className="toolbar">
            <button type="button" className="btn" onClick={() => setEditor({ mode: 'settings' })}>
              Zone settings
            </button>
          </div>
        )}
        {writable && z?.type === 'primary' && editor.mode === 'none' && (
          <div className="toolbar">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => setEditor({ mode: 'add' })}
            >
              Add record
            </button>
            <button type="button" className="btn" onClick={() => setEditor({ mode: 'import' })}>
              Import
            </button>
          </div>
        )}
        {z && editor.mode === 'none' && (
          <div className="toolbar" aria-label="Export">
            {z.type === 'primary' && (
              <button type="button" className="btn" onClick={() => download('bind')}>
                Download zone file
              </button>
            )}
            <button type="button" className="btn" onClick={() => download('json')}>
              Download JSON
            </button>
          </div>
        )}
      </div>
      {z && (
        <p className="muted small">
          {z.type} zone · serial {z.serial ?? '—'} · default TTL {z.defaultTtl}s
          {z.description && ` · ${z.description}`}
          {!writable && ' · read-only for you'}
        </p>
      )}
      {deletedBy && (
        <p className="notice" role="alert">
          This zone was deleted by {deletedBy}. <Link to="/zones">Back to the zones</Link>
        </p>
      )}
      {editor.mode === 'settings' && z && (
        <ZoneSettingsForm
          zone={z}
          onSaved={(saved) => {
            setEditor({ mode: 'none' });
            zone.setData(() => saved);
            showToast({ level: 'success', title: `Saved settings of ${saved.name}` });
          }}
          onCancel={() => setEditor({ mode: 'none' })}
        />
      )}
      {editor.mode === 'add' && (
        <RecordForm
          zone={zoneName}
          onSaved={saved}
          onCancel={() => setEditor({ mode: 'none' })}
          onConflict={() => undefined}
        />
      )}
      {editor.mode === 'import' && (
        <Field label="Import from">
          <select
            name="import-source"
            value={importSource}
            onChange={(e) => setImportSource(e.target.value as typeof importSource)}
          >
            <option value="records">CSV or JSON records</option>
            <option value="zonefile">BIND zone file</option>
            <option value="axfr">Zone transfer (AXFR)</option>
          </select>
        </Field>
      )}
      {editor.mode === 'import' && importSource === 'records' && (
        <ImportPanel
          start={(body) => api.importRecords({ params: { zone: zoneName }, body })}
          csvHeader="name,type,ttl,value,priority,weight,port,flags,tag"
          example={'name,type,ttl,value\nwww,A,300,192.0.2.10\nmail,MX,,mail.example.com.'}
          onDone={reloadAll}
          onClose={() => setEditor({ mode: 'none' })}
        />
      )}
      {editor.mode === 'import' && importSource !== 'records' && (
        <ZoneFileImportPanel
          key={importSource}
          zone={zoneName}
          source={importSource}
          onDone={reloadAll}
          onClose={() => setEditor({ mode: 'none' })}
        />
      )}
      {editor.mode === 'edit' && (
        <RecordForm
          key={`${editor.record.id}:${editor.baseVersion ?? editor.record.version}`}
          zone={zoneName}
          editing={editor.record}
          initialDraft={editor.draft}
          baseVersion={editor.baseVersion}
          onSaved={saved}
          onCancel={() => setEditor({ mode: 'none' })}
          onConflict={(conflict) =>
            setEditor({ mode: 'conflict', record: editor.record, conflict })
          }
        />
      )}
      {editor.mode === 'conflict' && (
        <ConflictPanel
          conflict={editor.conflict}
          changedBy={lastActor.current.get(editor.record.id)}
          onKeepCurrent={() => {
            setEditor({ mode: 'none' });
            records.reload();
          }}
          onEditAgain={() =>
            setEditor({
              mode: 'edit',
              record: editor.conflict.current,
              draft: { ...draftOf(editor.conflict.current), ...draftFromInput(editor.conflict) },
              baseVersion: editor.conflict.current.version,
            })
          }
          onOverwrite={() => void overwrite(editor.conflict)}
        />
      )}
      {z?.type === 'secondary' && (
        <SecondaryZonePanel
          zone={z}
          writable={writable}
          onSaved={(saved) => {
            zone.setData(() => saved);
            showToast({ level: 'success', title: `Saved primaries of ${saved.name}` });
          }}
          onStale={zone.reload}
        />
      )}
      {z && z.type !== 'forward' && <ZoneSyncPanel zone={zoneName} />}
      {z?.type === 'primary' && z.dnssecPolicy && <DnssecPanel zone={zoneName} />}
      {z?.type === 'forward' ? (
        <p className="state state-empty">
          Forward zone: queries go to {z.forwarders.join(', ')} ({z.forwardPolicy ?? 'first'}). It
          holds no records.
        </p>
      ) : z?.type === 'secondary' ? null : records.error !== undefined && !records.data ? (
        <ErrorState error={records.error} onRetry={records.reload} />
      ) : !records.data ? (
        <Loading />
      ) : (
        <RecordTable
          records={records.data.records}
          highlights={highlights}
          writable={writable}
          onEdit={(record) => setEditor({ mode: 'edit', record })}
          onDelete={remove}
        />
      )}
    </section>
  );
}

/** The user's values from a conflict, as form strings (over the current record's draft). */
function draftFromInput(c: StaleEdit): Partial<RecordDraft> {
  // Every type's fields, the ones this record's type lacks undefined.
  const m: RecordFields = c.mine;
  const s = (v: number | undefined) => (v === undefined ? undefined : String(v));
  return Object.fromEntries(
    Object.entries({
      name: m.name,
      type: m.type,
      value: m.value,
      ttl: s(m.ttl) ?? '',
      priority: s(m.priority),
      weight: s(m.weight),
      port: s(m.port),
      flags: s(m.flags),
      tag: m.tag,
    }).filter(([, v]) => v !== undefined),
  );
}
