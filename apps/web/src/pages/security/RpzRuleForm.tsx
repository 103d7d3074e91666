/** Add one RPZ rule. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { errorMessage } from '../../api/api-error';
import {
  RPZ_CATEGORIES,
  RPZ_RULE_ACTIONS,
  type RpzCategory,
  type RpzRule,
  type RpzRuleAction,
} from '@hdns/protocol/rest';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';

export function RpzRuleForm({
  onCreated,
  onCancel,
}: {
  onCreated: (rule: RpzRule) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [domain, setDomain] = useState('');
  const [action, setAction] = useState<RpzRuleAction>('nxdomain');
  const [redirectTo, setRedirectTo] = useState('');
  const [category, setCategory] = useState<RpzCategory>('custom');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(
        await api.createRpzRule({
          body: {
            domain: domain.trim(),
            action,
            category,
            ...(action === 'redirect' ? { redirectTo: redirectTo.trim() } : {}),
            ...(comment.trim() ? { comment: comment.trim() } : {}),
          },
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label="New RPZ rule">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Domain" className="grow">
          <input
            name="rule-domain"
            required
            placeholder="ads.example or *.tracker.example"
            value={domain}
            onChange={(e) => setDomain(e.target.value)}
          />
        </Field>
        <Field label="Action">
          <select value={action} onChange={(e) => setAction(e.target.value as RpzRuleAction)}>
            {RPZ_RULE_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </Field>
        {action === 'redirect' && (
          <Field label="Redirect to (IP)">
            <input required value={redirectTo} onChange={(e) => setRedirectTo(e.target.value)} />
          </Field>
        )}
        <Field label="Category">
          <select
            value={category}
            onChange={(e) =>
              setCategory(RPZ_CATEGORIES.find((c) => c === e.target.value) ?? 'custom')
            }
          >
            {RPZ_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Comment" className="grow">
          <input value={comment} onChange={(e) => setComment(e.target.value)} />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add rule'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
