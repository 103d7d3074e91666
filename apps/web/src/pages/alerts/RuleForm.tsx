/**
 * Create or edit an alert rule: which events (MatchFields), an optional condition
 * (ConditionFields), the channels it sends to and an optional escalation. The server's refusal
 * (`{code, message}` with the failing field) is shown at the top of the form.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { AlertChannel, AlertRule } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import { ConditionFields } from './ConditionFields';
import { MatchFields } from './MatchFields';
import { draftFromRule, emptyDraft, ruleBody, type RuleDraft } from './rule-draft';

export function RuleForm({
  channels,
  rule,
  onSaved,
  onCancel,
}: {
  channels: readonly AlertChannel[];
  /** The rule to edit; absent: a new one. */
  rule?: AlertRule;
  onSaved: (rule: AlertRule) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [draft, setDraft] = useState<RuleDraft>(() =>
    rule ? draftFromRule(rule) : emptyDraft(channels[0]?.id),
  );
  const set = (patch: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const label = rule ? `Edit rule ${rule.name}` : 'New rule';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = ruleBody(draft, rule);
      onSaved(
        rule
          ? await api.updateAlertRule({ params: { id: rule.id }, body })
          : await api.createAlertRule({ body }),
      );
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label={label}>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Name">
          <input
            value={draft.name}
            onChange={(e) => set({ name: e.target.value })}
            required
            maxLength={100}
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
      <MatchFields draft={draft} set={set} rule={rule} />
      <ConditionFields draft={draft} set={set} />
      <div className="form-row">
        <Field label="Channels">
          <select
            multiple
            size={Math.min(4, Math.max(2, channels.length))}
            value={draft.channelIds}
            required
            onChange={(e) => set({ channelIds: [...e.target.selectedOptions].map((o) => o.value) })}
          >
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Escalate critical events to">
          <select
            value={draft.escalateChannel}
            onChange={(e) => set({ escalateChannel: e.target.value })}
          >
            <option value="">No escalation</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        {draft.escalateChannel !== '' && (
          <Field label="Unacknowledged for (min)" className="narrow">
            <input
              type="number"
              min={0.01}
              step="any"
              required
              value={draft.escalateAfter}
              onChange={(e) => set({ escalateAfter: e.target.value })}
            />
          </Field>
        )}
      </div>
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || draft.channelIds.length === 0}
        >
          {rule ? 'Save rule' : 'Create rule'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
