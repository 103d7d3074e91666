/**
 * A signed zone's DNSSEC keys and the DS records to hand to the parent (GET
 * /api/zones/:zone/dnssec): each key's role, state flags and record states as named reports
 * them, next rollover, and the DS lines with a copy button. Reloads live on dnssec_key_change
 * and zone_updated events of this zone (signing turned on or off).
 */
import { useState, type ReactNode } from 'react';
import type { EventFrameUnion } from '@hdns/client';
import { useRealtimeEvent } from '@hdns/react';
import type { DnssecKey } from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { ErrorState, Loading } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { showToast } from '../../shell/toast-store';

const STATE_ORDER = ['goal', 'dnskey', 'ds', 'zone rrsig', 'key rrsig'];

function statePill(value: string): string {
  if (value === 'omnipresent') return 'pill pill-ok';
  if (value === 'rumoured' || value === 'unretentive') return 'pill pill-warn';
  return 'pill pill-muted';
}

function when(iso: string | null): string {
  if (iso === null) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function KeyRow({ k }: { k: DnssecKey }): ReactNode {
  const roles = [k.keySigning && 'key signing', k.zoneSigning && 'zone signing'].filter(Boolean);
  return (
    <tr data-testid="dnssec-key">
      <td className="mono">{k.tag}</td>
      <td>{k.role.toUpperCase()}</td>
      <td>{k.algorithm}</td>
      <td>
        {k.retired ? 'retired' : k.published ? 'published' : 'not published'}
        {roles.length > 0 && ` · ${roles.join(', ')}`}
        <div className="muted small">since {when(k.activeSince ?? k.publishedSince)}</div>
      </td>
      <td>
        {STATE_ORDER.filter((s) => k.states[s] !== undefined).map((s) => (
          <span key={s} className={statePill(k.states[s]!)} title={s}>
            {s}: {k.states[s]}
          </span>
        ))}
      </td>
      <td>{k.nextRollover ? when(k.nextRollover) : k.rollover || '—'}</td>
    </tr>
  );
}

export function DnssecPanel({ zone }: { zone: string }): ReactNode {
  const api = useApi();
  const view = useResource(
    (signal) => api.getZoneDnssec({ params: { zone }, signal }),
    `dnssec:${zone}`,
  );
  const [copied, setCopied] = useState<string | undefined>(undefined);
  useRealtimeEvent('dns', (e: EventFrameUnion) => {
    if (!('zone' in e.data) || e.data.zone !== zone) return;
    if (e.event === 'dnssec_key_change' || e.event === 'zone_updated') view.reload();
  });

  const copy = (text: string) => {
    navigator.clipboard.writeText(text).then(
      () => setCopied(text),
      () => showToast({ level: 'warning', title: 'Could not copy: select the text instead' }),
    );
  };

  if (view.error !== undefined && !view.data) {
    return <ErrorState error={view.error} onRetry={view.reload} />;
  }
  const d = view.data;
  if (!d) return <Loading />;
  if (d.policy === null) return null;
  return (
    <section className="card" aria-label="DNSSEC">
      <div className="card-head">
        <h2>DNSSEC</h2>
        <span className="muted small">
          policy <span className="mono">{d.policy}</span> · signed serial {d.signedSerial ?? '—'}
        </span>
      </div>
      <div className="table-wrap">
        <table className="table compact" aria-label="DNSSEC keys">
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col">Role</th>
              <th scope="col">Algorithm</th>
              <th scope="col">Status</th>
              <th scope="col">States</th>
              <th scope="col">Next rollover</th>
            </tr>
          </thead>
          <tbody>
            {d.keys.map((k) => (
              <KeyRow key={k.tag} k={k} />
            ))}
          </tbody>
        </table>
      </div>
      <h3>DS records for the parent zone</h3>
      {d.ds.length === 0 ? (
        <p className="muted small">No key-signing key yet.</p>
      ) : (
        <ul className="plain" aria-label="DS records">
          {d.ds.map((ds) => (
            <li key={ds.text}>
              <code className="mono" data-testid="ds-record">
                {ds.text}
              </code>{' '}
              <button type="button" className="btn btn-small" onClick={() => copy(ds.text)}>
                {copied === ds.text ? 'Copied' : 'Copy'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
