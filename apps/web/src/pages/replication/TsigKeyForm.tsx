/** A new TSIG key: name, algorithm and, to share a key with another server, its secret. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { TSIG_ALGORITHMS, type TsigAlgorithm, type TsigKeyWithSecret } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';

export function TsigKeyForm({
  onDone,
  onCancel,
}: {
  onDone: (k: TsigKeyWithSecret) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [name, setName] = useState('');
  const [algorithm, setAlgorithm] = useState<TsigAlgorithm>('hmac-sha256');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const s = secret.trim();
      onDone(await api.createTsigKey({ body: { name, algorithm, ...(s ? { secret: s } : {}) } }));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label="New TSIG key">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Key name" className="grow">
          <input
            className="mono"
            placeholder="xfr-key"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label="Key algorithm">
          <select value={algorithm} onChange={(e) => setAlgorithm(e.target.value as TsigAlgorithm)}>
            {TSIG_ALGORITHMS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Existing secret (optional)" className="grow">
          <input
            className="mono"
            placeholder="empty: a new random secret"
            autoComplete="off"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
