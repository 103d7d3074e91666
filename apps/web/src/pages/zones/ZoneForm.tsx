/**
 * Create a zone: primary (records managed here), forward (queries go to other servers) or
 * secondary (transferred from its primaries, optionally with a TSIG key).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Zone } from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import { createZoneErrorText } from './zone-errors';
import { SecondarySourceFields } from './SecondarySourceFields';
import { secondaryFields, type SecondaryDraft } from './secondary-zone-draft';
import { useTsigKeys } from './use-tsig-keys';

type ZoneType = 'primary' | 'forward' | 'secondary';

export function ZoneForm({
  onCreated,
  onCancel,
}: {
  onCreated: (zone: Zone) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [name, setName] = useState('');
  const [type, setType] = useState<ZoneType>('primary');
  const [forwarders, setForwarders] = useState('');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState<SecondaryDraft>({ primaries: '', tsigKeyId: '' });
  const keys = useTsigKeys();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const secondary = type === 'secondary' ? secondaryFields(source) : undefined;
    if (secondary && !secondary.ok) {
      setError(secondary.error);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const zone = await api.createZone({
        body: {
          name: name.trim(),
          type,
          ...(type === 'forward'
            ? { forwarders: forwarders.split(/[\s,]+/).filter(Boolean), forwardPolicy: 'only' }
            : {}),
          ...(secondary?.ok ? secondary.value : {}),
          ...(description.trim() ? { description: description.trim() } : {}),
        },
      });
      onCreated(zone);
    } catch (err) {
      setError(createZoneErrorText(err));
      setBusy(false);
    }
  };

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label="New zone">
      <h2>New zone</h2>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Name">
          <input
            name="zone-name"
            required
            placeholder="example.com"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label="Type">
          <select
            name="zone-type"
            value={type}
            onChange={(e) => setType(e.target.value as ZoneType)}
          >
            <option value="primary">primary</option>
            <option value="forward">forward</option>
            <option value="secondary">secondary</option>
          </select>
        </Field>
        {type === 'forward' && (
          <Field label="Forwarders" className="grow">
            <input
              required
              placeholder="192.0.2.1, 192.0.2.2"
              value={forwarders}
              onChange={(e) => setForwarders(e.target.value)}
            />
          </Field>
        )}
        {type === 'secondary' && (
          <SecondarySourceFields
            draft={source}
            keys={keys}
            onChange={(change) => setSource((d) => ({ ...d, ...change }))}
          />
        )}
        <Field label="Description" className="grow">
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create zone'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
