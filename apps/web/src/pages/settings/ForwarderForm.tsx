/**
 * Add or edit one global forwarder (name, address, port, enabled). Editing sends only what
 * changed with the version the row was read at; a stale version or any refusal is shown here,
 * with the server's issue marked on its field.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Forwarder } from '@hdns/protocol/rest';
import { errorMessage, isApiError } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import {
  emptyForwarder,
  forwarderBodyOf,
  forwarderDraftOf,
  forwarderFieldOf,
  forwarderPatchOf,
  type ForwarderErrors,
  type ForwarderField,
} from './forwarder-draft';

function serverErrors(err: unknown): ForwarderErrors {
  if (isApiError(err, 'STALE_VERSION')) {
    return { form: 'Someone changed this forwarder meanwhile; the list was reloaded. Try again.' };
  }
  const errors: ForwarderErrors = { form: errorMessage(err) };
  const issues = isApiError(err)
    ? (err.details as { issues?: { path?: unknown; message?: unknown }[] } | undefined)?.issues
    : undefined;
  for (const i of Array.isArray(issues) ? issues : []) {
    const field = typeof i.path === 'string' ? forwarderFieldOf(i.path) : undefined;
    if (field && typeof i.message === 'string') errors[field] ??= i.message;
  }
  return errors;
}

export function ForwarderForm({
  editing,
  onDone,
  onStale,
  onCancel,
}: {
  /** The forwarder being edited; none: a new one. */
  editing?: Forwarder;
  onDone: (f: Forwarder) => void;
  onStale: () => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [draft, setDraft] = useState(editing ? forwarderDraftOf(editing) : emptyForwarder);
  const [errors, setErrors] = useState<ForwarderErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<typeof draft>) => setDraft((d) => ({ ...d, ...change }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = forwarderBodyOf(draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      onDone(
        editing
          ? await api.updateForwarder({
              params: { id: editing.id },
              body: { ...forwarderPatchOf(editing, checked.body), version: editing.version },
            })
          : await api.createForwarder({ body: checked.body }),
      );
    } catch (err) {
      setErrors(serverErrors(err));
      if (isApiError(err, 'STALE_VERSION')) onStale();
      setBusy(false);
    }
  };

  const err = (f: ForwarderField) =>
    errors[f] && (
      <span className="form-error small" role="alert">
        {errors[f]}
      </span>
    );
  const label = editing ? `Edit forwarder ${editing.name}` : 'New forwarder';
  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label={label} noValidate>
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="form-row">
        <Field label="Forwarder name" className="grow">
          <input
            value={draft.name}
            aria-invalid={errors.name !== undefined}
            onChange={(e) => set({ name: e.target.value })}
          />
        </Field>
        <Field label="Forwarder address" className="grow">
          <input
            className="mono"
            placeholder="192.0.2.53 or 2001:db8::53"
            value={draft.address}
            aria-invalid={errors.address !== undefined}
            onChange={(e) => set({ address: e.target.value })}
          />
        </Field>
        <Field label="Forwarder port" className="narrow">
          <input
            type="number"
            min={1}
            max={65535}
            value={draft.port}
            aria-invalid={errors.port !== undefined}
            onChange={(e) => set({ port: e.target.value })}
          />
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />
          Enabled
        </label>
      </div>
      {err('name')}
      {err('address')}
      {err('port')}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save forwarder' : 'Add forwarder'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
