/** Create an alert rule: which events (types, minimum priority), optional threshold, channel. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { EVENT_TYPES, PRIORITIES, type EventType, type Priority } from '@hdns/protocol';
import type { AlertChannel, AlertRule } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi } from '../../auth/auth-context';
import { Field } from '../../components/Field';

export function RuleForm({
  channels,
  onCreated,
  onCancel,
}: {
  channels: readonly AlertChannel[];
  onCreated: (rule: AlertRule) => void;
  onCancel: () => void;
}): ReactNode {
  const api = useApi();
  const [name, setName] = useState('');
  const [type, setType] = useState<EventType | ''>('');
  const [minPriority, setMinPriority] = useState<Priority | ''>('high');
  const [count, setCount] = useState('');
  const [windowSec, setWindowSec] = useState('60');
  const [channelId, setChannelId] = useState(channels[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const match = {
        ...(type ? { types: [type] } : {}),
        ...(minPriority ? { minPriority } : {}),
      };
      const threshold =
        count.trim() === '' ? null : { count: Number(count), windowSec: Number(windowSec) };
      onCreated(
        await api.createAlertRule({
          body: { name: name.trim(), match, threshold, channelIds: [channelId] },
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form className="form subform" onSubmit={(e) => void submit(e)} aria-label="New rule">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-row">
        <Field label="Name">
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </Field>
        <Field label="Event type">
          <select value={type} onChange={(e) => setType(e.target.value as EventType | '')}>
            <option value="">Any</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
        <Field label="At least priority">
          <select
            value={minPriority}
            onChange={(e) => setMinPriority(e.target.value as Priority | '')}
          >
            <option value="">Any</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="form-row">
        <Field label="Threshold: events (empty: every event)">
          <input type="number" min={1} value={count} onChange={(e) => setCount(e.target.value)} />
        </Field>
        <Field label="Within seconds">
          <input
            type="number"
            min={1}
            value={windowSec}
            onChange={(e) => setWindowSec(e.target.value)}
          />
        </Field>
        <Field label="Channel">
          <select value={channelId} onChange={(e) => setChannelId(e.target.value)} required>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !channelId}>
          Create rule
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
