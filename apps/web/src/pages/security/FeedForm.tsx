/** Subscribe to a blocklist by URL. */
import { useState, type FormEvent, type ReactNode } from 'react';
import {
  FEED_ACTIONS,
  FEED_FORMATS,
  RPZ_CATEGORIES,
  type Feed,
  type FeedAction,
  type FeedFormat,
  type RpzCategory,
} from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';

export function FeedForm({
  onCreated,
  onCancel,
}: {
  onCreated: (feed: Feed) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<FeedFormat>('auto');
  const [action, setAction] = useState<FeedAction>('nxdomain');
  const [redirectTo, setRedirectTo] = useState('');
  const [category, setCategory] = useState<RpzCategory>('ads');
  const [refreshMinutes, setRefreshMinutes] = useState(1440);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onCreated(
        await api.createFeed({
          body: {
            name: name.trim(),
            url: url.trim(),
            format,
            action,
            category,
            enabled: true,
            refreshMinutes,
            ...(action === 'redirect' ? { redirectTo: redirectTo.trim() } : {}),
          },
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label="New feed">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Name">
          <input name="feed-name" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="URL" className="grow">
          <input
            name="feed-url"
            type="url"
            required
            placeholder="https://example.org/hosts.txt"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </Field>
        <Field label="Format">
          <select
            value={format}
            onChange={(e) => setFormat(FEED_FORMATS.find((f) => f === e.target.value) ?? 'auto')}
          >
            {FEED_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Action">
          <select
            value={action}
            onChange={(e) =>
              setAction(FEED_ACTIONS.find((a) => a === e.target.value) ?? 'nxdomain')
            }
          >
            {FEED_ACTIONS.map((a) => (
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
        <Field label="Refresh (minutes)">
          <input
            type="number"
            min={5}
            max={10080}
            value={refreshMinutes}
            onChange={(e) => setRefreshMinutes(Number(e.target.value))}
          />
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add feed'}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
