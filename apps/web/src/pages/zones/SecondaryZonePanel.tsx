/**
 * A secondary zone's source, read-only: the primaries it is transferred from and the TSIG key
 * of its transfers. Its records are the primary's, so the page offers no record editor; who may
 * change the zone (an admin, or an operator granted exactly it) may change its primaries and
 * key here. The PATCH carries the version the form was opened with, not the one a live
 * zone_updated reload brought: a change by someone else meanwhile is reported (the panel shows
 * it, reloaded) instead of overwritten, and only a second Save replaces it.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Zone } from '@hdns/protocol/rest';
import { errorMessage, isApiError } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { SecondarySourceFields } from './SecondarySourceFields';
import { currentVersionOf, draftOfZone, keyLabel, secondaryFields } from './secondary-zone-draft';
import { useTsigKeys } from './use-tsig-keys';

export function SecondaryZonePanel({
  zone,
  writable,
  onSaved,
  onStale,
}: {
  zone: Zone;
  writable: boolean;
  onSaved: (zone: Zone) => void;
  onStale: () => void;
}): ReactNode {
  const keys = useTsigKeys();
  const [editing, setEditing] = useState(false);
  return (
    <section className="card" aria-label="Secondary zone" data-testid="secondary-zone-panel">
      <div className="card-head">
        <h2>Secondary zone</h2>
        {writable && !editing && (
          <button type="button" className="btn" onClick={() => setEditing(true)}>
            Edit primaries
          </button>
        )}
      </div>
      <p className="muted small">
        Read-only here: its records are transferred from its primaries, which answer for them.
      </p>
      <dl className="facts">
        <dt>Primaries</dt>
        <dd className="mono" data-testid="secondary-primaries">
          {zone.primaries.join(', ')}
        </dd>
        <dt>TSIG key</dt>
        <dd data-testid="secondary-key">{keyLabel(zone.tsigKeyId, keys)}</dd>
      </dl>
      {editing && (
        <SecondaryZoneForm
          zone={zone}
          onSaved={(saved) => {
            setEditing(false);
            onSaved(saved);
          }}
          onStale={onStale}
          onCancel={() => setEditing(false)}
        />
      )}
    </section>
  );
}

function SecondaryZoneForm({
  zone,
  onSaved,
  onStale,
  onCancel,
}: {
  zone: Zone;
  onSaved: (zone: Zone) => void;
  onStale: () => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const keys = useTsigKeys();
  const [draft, setDraft] = useState(() => draftOfZone(zone));
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [baseVersion, setBaseVersion] = useState(zone.version);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const fields = secondaryFields(draft);
    if (!fields.ok) {
      setError(fields.error);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onSaved(
        await api.updateZone({
          params: { zone: zone.name },
          body: { version: baseVersion, ...fields.value },
        }),
      );
    } catch (err) {
      if (isApiError(err, 'STALE_VERSION')) {
        const current = currentVersionOf(err.details);
        if (current !== undefined) setBaseVersion(current);
        setError(
          'Someone changed this zone meanwhile (shown above). Save again to replace it with your values.',
        );
        onStale();
      } else setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form
      className="form subform"
      onSubmit={(e) => void submit(e)}
      aria-label="Edit secondary zone"
      noValidate
    >
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <SecondarySourceFields
          draft={draft}
          keys={keys}
          onChange={(change) => setDraft((d) => ({ ...d, ...change }))}
        />
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save primaries'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
