/**
 * Where a secondary zone comes from: its primaries (one text field) and the TSIG key of its
 * transfers. Shared by the create-zone form and the secondary zone's edit form.
 */
import type { ReactNode } from 'react';
import type { TsigKey } from '@hdns/protocol/rest';
import { Field } from '../../components/Field';
import type { SecondaryDraft } from './secondary-zone-draft';

export function SecondarySourceFields({
  draft,
  keys,
  onChange,
}: {
  draft: SecondaryDraft;
  keys: readonly TsigKey[];
  onChange: (change: Partial<SecondaryDraft>) => void;
}): ReactNode {
  // The zone's key stays selectable even when the list lacks it (not allowed to list keys).
  const missing = draft.tsigKeyId !== '' && !keys.some((k) => k.id === draft.tsigKeyId);
  return (
    <>
      <Field label="Primaries" className="grow">
        <input
          name="zone-primaries"
          className="mono"
          placeholder="192.0.2.1, 192.0.2.2#5300"
          value={draft.primaries}
          onChange={(e) => onChange({ primaries: e.target.value })}
        />
      </Field>
      <Field label="TSIG key">
        <select
          name="zone-tsig-key"
          value={draft.tsigKeyId}
          onChange={(e) => onChange({ tsigKeyId: e.target.value })}
        >
          <option value="">none (address only)</option>
          {keys.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
          {missing && <option value={draft.tsigKeyId}>key {draft.tsigKeyId}</option>}
        </select>
      </Field>
    </>
  );
}
