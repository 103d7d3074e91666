/**
 * Add or edit one custom DNSSEC policy: name, algorithm, one CSK or a KSK + ZSK pair with their
 * lifetimes, NSEC3, signature validity. The draft is checked with the protocol's schema before
 * anything is sent; the panel saves (the whole policy list with the settings' version) and hands
 * back the server's refusal, marked here on the field it names.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { DNSSEC_ALGORITHMS, type DnssecPolicySpec } from '@hdns/protocol/rest';
import { Field } from '../../components/Field';
import {
  ALGORITHM_LABELS,
  emptyPolicy,
  policyDraftOf,
  policyOfDraft,
  type PolicyDraft,
  type PolicyErrors,
  type PolicyField,
} from './dnssec-policy-draft';

export function DnssecPolicyForm({
  editing,
  others,
  onSubmit,
  onCancel,
}: {
  /** The policy being edited; none: a new one. */
  editing?: DnssecPolicySpec;
  /** The other policies (names must differ). */
  others: readonly DnssecPolicySpec[];
  /** Saves; resolves with the refusal to show, or undefined when saved. */
  onSubmit: (policy: DnssecPolicySpec) => Promise<PolicyErrors | undefined>;
  onCancel: () => void;
}): ReactNode {
  const [draft, setDraft] = useState<PolicyDraft>(editing ? policyDraftOf(editing) : emptyPolicy);
  const [errors, setErrors] = useState<PolicyErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<PolicyDraft>) => setDraft((d) => ({ ...d, ...change }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = policyOfDraft(draft, others);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setBusy(true);
    setErrors({});
    const refused = await onSubmit(checked.policy);
    // Saved: the panel closes this form, so there is nothing left to update.
    if (refused) {
      setErrors(refused);
      setBusy(false);
    }
  };

  const err = (f: PolicyField) =>
    errors[f] && (
      <span className="form-error small" role="alert" data-field={`policy-${f}`}>
        {errors[f]}
      </span>
    );
  const lifetime = (field: 'lifetime' | 'kskLifetime' | 'zskLifetime', label: string) => (
    <Field label={label}>
      <input
        className="mono"
        placeholder="P1Y, P90D or unlimited"
        value={draft[field]}
        aria-invalid={errors[field] !== undefined}
        onChange={(e) => set({ [field]: e.target.value })}
      />
    </Field>
  );
  const label = editing ? `Edit DNSSEC policy ${editing.name}` : 'New DNSSEC policy';
  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label={label} noValidate>
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <div className="form-row">
        <Field label="Policy name" className="grow">
          <input
            value={draft.name}
            placeholder="ksk-zsk-yearly"
            aria-invalid={errors.name !== undefined}
            onChange={(e) => set({ name: e.target.value })}
          />
        </Field>
        <Field label="Policy algorithm">
          <select
            value={draft.algorithm}
            onChange={(e) =>
              set({
                algorithm: DNSSEC_ALGORITHMS.find((a) => a === e.target.value) ?? draft.algorithm,
              })
            }
          >
            {DNSSEC_ALGORITHMS.map((a) => (
              <option key={a} value={a}>
                {ALGORITHM_LABELS[a]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Keys">
          <select
            value={draft.kind}
            onChange={(e) => set({ kind: e.target.value === 'ksk-zsk' ? 'ksk-zsk' : 'csk' })}
          >
            <option value="csk">one combined key (CSK)</option>
            <option value="ksk-zsk">key-signing + zone-signing key</option>
          </select>
        </Field>
      </div>
      <div className="form-row">
        {draft.kind === 'csk' ? (
          lifetime('lifetime', 'CSK lifetime')
        ) : (
          <>
            {lifetime('kskLifetime', 'KSK lifetime')}
            {lifetime('zskLifetime', 'ZSK lifetime')}
          </>
        )}
        <Field label="Signature validity">
          <input
            className="mono"
            placeholder="BIND default (P14D)"
            value={draft.signaturesValidity}
            aria-invalid={errors.signaturesValidity !== undefined}
            onChange={(e) => set({ signaturesValidity: e.target.value })}
          />
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.nsec3}
            onChange={(e) => set({ nsec3: e.target.checked })}
          />
          NSEC3 (no extra iterations, no salt)
        </label>
      </div>
      {err('name')}
      {err('algorithm')}
      {err('lifetime')}
      {err('kskLifetime')}
      {err('zskLifetime')}
      {err('signaturesValidity')}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save policy' : 'Add policy'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
