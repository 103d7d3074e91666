/**
 * Edit a zone's settings (default TTL, description, DNSSEC signing policy of a primary zone,
 * and the forwarders of a forward zone). The
 * PATCH carries the version this form was opened with: if someone changed the zone meanwhile,
 * the server answers 409 and the form shows their values instead of overwriting them.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage, isApiError } from '../../api/api-error';
import type { Zone } from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import { policyOptions, useDnssecPolicyNames } from './use-dnssec-policies';

export function ZoneSettingsForm({
  zone,
  onSaved,
  onCancel,
}: {
  zone: Zone;
  onSaved: (zone: Zone) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [ttl, setTtl] = useState(String(zone.defaultTtl));
  const [description, setDescription] = useState(zone.description ?? '');
  const [forwarders, setForwarders] = useState(zone.forwarders.join(', '));
  // '' = unsigned; `default` = BIND's policy; anything else a policy defined in the settings.
  const [policy, setPolicy] = useState(zone.dnssecPolicy ?? '');
  const policies = policyOptions(useDnssecPolicyNames(), zone.dnssecPolicy);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [conflict, setConflict] = useState<Zone | undefined>(undefined);
  // The version read when the form opened. The page reloads `zone` on live zone_updated events;
  // sending that newer version would silently overwrite the change the user never saw.
  const [baseVersion] = useState(zone.version);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const saved = await api.updateZone({
        params: { zone: zone.name },
        body: {
          version: baseVersion,
          defaultTtl: Number(ttl),
          description: description.trim() || null,
          ...(zone.type === 'forward'
            ? { forwarders: forwarders.split(/[\s,]+/).filter(Boolean) }
            : {}),
          // Only a primary zone is signed here; a secondary one is signed by its primary.
          ...(zone.type === 'primary' ? { dnssecPolicy: policy === '' ? null : policy } : {}),
        },
      });
      onSaved(saved);
    } catch (err) {
      if (isApiError(err, 'STALE_VERSION')) {
        setConflict(await api.getZone({ params: { zone: zone.name } }));
      } else {
        setError(errorMessage(err));
      }
      setBusy(false);
    }
  };

  if (conflict) {
    return (
      <div className="card form" role="alert" aria-label="Zone changed meanwhile">
        <h2>Someone changed this zone while you were editing</h2>
        <p>
          Current: default TTL {conflict.defaultTtl}s
          {conflict.description ? ` · ${conflict.description}` : ''}
          {conflict.type === 'forward' ? ` · forwarders ${conflict.forwarders.join(', ')}` : ''}.
          Your values were not saved.
        </p>
        <div className="form-actions">
          <button type="button" className="btn btn-primary" onClick={() => onSaved(conflict)}>
            Keep current
          </button>
          <button type="button" className="btn" onClick={onCancel}>
            Close
          </button>
        </div>
      </div>
    );
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label="Zone settings">
      <h2>Zone settings</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Default TTL (s)">
          <input
            name="zone-ttl"
            type="number"
            min={0}
            required
            value={ttl}
            onChange={(e) => setTtl(e.target.value)}
          />
        </Field>
        {zone.type === 'forward' && (
          <Field label="Forwarders" className="grow">
            <input required value={forwarders} onChange={(e) => setForwarders(e.target.value)} />
          </Field>
        )}
        {zone.type === 'primary' && (
          <Field label="Sign with policy">
            <select
              name="zone-dnssec-policy"
              value={policy}
              onChange={(e) => setPolicy(e.target.value)}
            >
              <option value="">Unsigned</option>
              {policies.map((p) => (
                <option key={p} value={p}>
                  {p === 'default' ? 'default (BIND: one ECDSA P-256 key)' : p}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Description" className="grow">
          <input
            name="zone-description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
