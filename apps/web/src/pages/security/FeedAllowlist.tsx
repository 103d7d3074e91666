/** The allowlist: names every feed lets through (evaluated before any feed). */
import { useEffect, useState, type ReactNode } from 'react';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';
import { showToast } from '../../shell/toast-store';

export function FeedAllowlist({ editable }: { editable: boolean }): ReactNode {
  const api = useApi();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ctl = new AbortController();
    api.getFeedAllowlist({ signal: ctl.signal }).then(
      (d) => setText(d.domains.join('\n')),
      () => undefined,
    );
    return () => ctl.abort();
  }, [api]);

  const save = async () => {
    setBusy(true);
    try {
      const domains = text
        .split(/\s+/)
        .map((d) => d.trim())
        .filter((d) => d !== '');
      const saved = await api.setFeedAllowlist({ body: { domains } });
      setText(saved.domains.join('\n'));
      showToast({ level: 'success', title: `Allowlist saved (${saved.domains.length} names)` });
    } catch (err) {
      showToast({ level: 'warning', title: 'Allowlist not saved', body: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="subform">
      <Field label="Allowlist (one name per line; *.name for the names below)">
        <textarea
          name="feed-allowlist"
          rows={4}
          value={text}
          readOnly={!editable}
          onChange={(e) => setText(e.target.value)}
        />
      </Field>
      {editable && (
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void save()}>
          Save allowlist
        </button>
      )}
    </div>
  );
}
