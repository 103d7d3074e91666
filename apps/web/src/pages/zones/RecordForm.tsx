/**
 * Add or edit a record. Edits carry the version that was read; a 409 STALE_VERSION (someone
 * changed it meanwhile) is handed to the caller with both versions instead of overwriting.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage, isApiError } from '../../api/api-error';
import {
  CAA_TAGS,
  RECORD_TYPES,
  type DnsRecord,
  type RecordInputBody,
  type RecordType,
} from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import {
  EMPTY_DRAFT,
  EXTRA_FIELDS,
  VALUE_HINT,
  caaTag,
  draftOf,
  inputOf,
  type RecordDraft,
} from './record-fields';
import { Field } from '../../components/Field';

export interface StaleEdit {
  mine: RecordInputBody;
  current: DnsRecord;
}

export function RecordForm({
  zone,
  editing,
  initialDraft,
  baseVersion,
  onSaved,
  onCancel,
  onConflict,
}: {
  zone: string;
  /** The record being edited; undefined to add one. */
  editing?: DnsRecord | undefined;
  /** Start from these values (e.g. "edit again" after a conflict). */
  initialDraft?: RecordDraft | undefined;
  /** Version to send; defaults to the edited record's. */
  baseVersion?: number | undefined;
  onSaved: (record: DnsRecord) => void;
  onCancel: () => void;
  onConflict: (conflict: StaleEdit) => void;
}): ReactNode {
  const api = useApi();
  const [draft, setDraft] = useState<RecordDraft>(
    initialDraft ?? (editing ? draftOf(editing) : EMPTY_DRAFT),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const extra = EXTRA_FIELDS[draft.type] ?? [];
  const set = (patch: Partial<RecordDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const input = inputOf(draft);
    try {
      const saved = editing
        ? await api.updateRecord({
            params: { zone, id: editing.id },
            body: { ...input, version: baseVersion ?? editing.version },
          })
        : await api.createRecord({ params: { zone }, body: input });
      onSaved(saved);
    } catch (err) {
      setBusy(false);
      if (editing && isApiError(err, 'STALE_VERSION')) {
        const current = (err.details as { current?: DnsRecord } | undefined)?.current;
        if (current) {
          onConflict({ mine: input, current });
          return;
        }
      }
      setError(errorMessage(err));
    }
  };

  const title = editing ? `Edit ${editing.name} ${editing.type}` : 'Add a record';
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h2>{title}</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Name">
          <input
            name="record-name"
            required
            placeholder="www or @"
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
          />
        </Field>
        <Field label="Type">
          <select
            name="record-type"
            value={draft.type}
            onChange={(e) => set({ type: e.target.value as RecordType })}
          >
            {RECORD_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Value" className="grow">
          <input
            name="record-value"
            required
            placeholder={VALUE_HINT[draft.type]}
            value={draft.value}
            onChange={(e) => set({ value: e.target.value })}
          />
        </Field>
        <Field label="TTL" className="narrow">
          <input
            name="record-ttl"
            inputMode="numeric"
            pattern="[0-9]*"
            placeholder="default"
            value={draft.ttl}
            onChange={(e) => set({ ttl: e.target.value })}
          />
        </Field>
        {extra.map((f) =>
          f === 'tag' ? (
            <Field key={f} label="Tag" className="narrow">
              <select value={draft.tag} onChange={(e) => set({ tag: caaTag(e.target.value) })}>
                {CAA_TAGS.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <Field key={f} label={`${f.charAt(0).toUpperCase()}${f.slice(1)}`} className="narrow">
              <input
                required
                inputMode="numeric"
                pattern="[0-9]*"
                value={draft[f]}
                onChange={(e) => set({ [f]: e.target.value })}
              />
            </Field>
          ),
        )}
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save changes' : 'Add record'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
