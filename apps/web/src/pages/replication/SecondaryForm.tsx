/**
 * Add or edit one secondary (name, address, port, TSIG key, enabled). The body is checked with
 * the protocol's schema before the round trip; editing sends only what changed with the version
 * the row was read at.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { secondaryInputSchema, type Secondary, type TsigKey } from '@hdns/protocol/rest';
import { errorMessage, isApiError } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';

interface Draft {
  name: string;
  address: string;
  port: string;
  tsigKeyId: string;
  enabled: boolean;
}

const draftOf = (s?: Secondary): Draft => ({
  name: s?.name ?? '',
  address: s?.address ?? '',
  port: String(s?.port ?? 53),
  tsigKeyId: s?.tsigKeyId ?? '',
  enabled: s?.enabled ?? true,
});

export function SecondaryForm({
  editing,
  keys,
  onDone,
  onStale,
  onCancel,
}: {
  editing?: Secondary;
  keys: readonly TsigKey[];
  onDone: (s: Secondary) => void;
  onStale: () => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [draft, setDraft] = useState(() => draftOf(editing));
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = secondaryInputSchema.safeParse({
      name: draft.name,
      address: draft.address.trim(),
      port: Number(draft.port),
      tsigKeyId: draft.tsigKeyId || null,
      enabled: draft.enabled,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      setError(
        field === 'address'
          ? 'Address: must be an IPv4 or IPv6 address'
          : `${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`,
      );
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const body = parsed.data;
      if (editing) {
        const patch = Object.fromEntries(
          Object.entries(body).filter(([k, v]) => editing[k as keyof typeof body] !== v),
        );
        onDone(
          await api.updateSecondary({
            params: { id: editing.id },
            body: { ...patch, version: editing.version },
          }),
        );
      } else {
        onDone(await api.createSecondary({ body }));
      }
    } catch (err) {
      if (isApiError(err, 'STALE_VERSION')) {
        setError('Someone changed this secondary meanwhile; the list was reloaded. Try again.');
        onStale();
      } else setError(errorMessage(err));
      setBusy(false);
    }
  };

  const label = editing ? `Edit secondary ${editing.name}` : 'New secondary';
  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label={label} noValidate>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Secondary name" className="grow">
          <input value={draft.name} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field label="Secondary address" className="grow">
          <input
            className="mono"
            placeholder="192.0.2.53 or 2001:db8::53"
            value={draft.address}
            onChange={(e) => set({ address: e.target.value })}
          />
        </Field>
        <Field label="Secondary port" className="narrow">
          <input
            type="number"
            min={1}
            max={65535}
            value={draft.port}
            onChange={(e) => set({ port: e.target.value })}
          />
        </Field>
        <Field label="TSIG key">
          <select value={draft.tsigKeyId} onChange={(e) => set({ tsigKeyId: e.target.value })}>
            <option value="">none (address only)</option>
            {keys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name}
              </option>
            ))}
          </select>
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
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save secondary' : 'Add secondary'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
