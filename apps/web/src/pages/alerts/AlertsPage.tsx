/**
 * Alerts: notification channels (with a "send test" button), the rules that send events to
 * them, and the delivery log (with "re-send"). Operators read; admins change.
 */
import { useState, type ReactNode } from 'react';
import { roleAtLeast } from '@hdns/protocol';
import type { AlertRule } from '@hdns/protocol/rest';
import { errorMessage } from '../../api/api-error';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { ResourceView } from '../../components/StateViews';
import { useResource } from '../../hooks/use-resource';
import { ChannelForm } from './ChannelForm';
import { DeliveryLog } from './DeliveryLog';
import { RuleForm } from './RuleForm';

function describeRule(r: AlertRule): string {
  const parts = [
    r.match.types?.join(', ') ?? 'any event',
    r.match.minPriority ? `priority ≥ ${r.match.minPriority}` : '',
    r.threshold ? `${r.threshold.count} within ${r.threshold.windowSec} s` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

export function AlertsPage(): ReactNode {
  const api = useApi();
  const user = useSignedIn();
  const canChange = roleAtLeast(user.role, 'admin');
  const channels = useResource((signal) => api.listAlertChannels({ signal }), 'alert-channels');
  const rules = useResource((signal) => api.listAlertRules({ signal }), 'alert-rules');
  const [form, setForm] = useState<'channel' | 'rule' | null>(null);
  const [logVersion, setLogVersion] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const channelList = channels.data?.channels ?? [];

  const sendTest = async (id: string) => {
    setError(undefined);
    try {
      await api.testAlertChannel({ params: { id } });
      setLogVersion((v) => v + 1);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <section className="page" aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <p className="muted">
        Rules send matching events to chat, webhooks or Alertmanager. Failed deliveries are retried
        with backoff and end as dead after the last attempt; the log shows every answer.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <article className="card" aria-labelledby="channels-title">
        <header className="card-head">
          <h2 id="channels-title">Channels</h2>
          {canChange && form === null && (
            <div className="card-tools">
              <button
                type="button"
                className="btn btn-primary btn-small"
                onClick={() => setForm('channel')}
              >
                New channel
              </button>
            </div>
          )}
        </header>
        {form === 'channel' && (
          <ChannelForm
            onCancel={() => setForm(null)}
            onCreated={() => {
              setForm(null);
              channels.reload();
            }}
          />
        )}
        <ResourceView
          resource={channels}
          isEmpty={(d) => d.channels.length === 0}
          empty="No channels."
        >
          {(d) => (
            <div className="table-wrap">
              <table className="table compact" aria-label="Channels">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Target</th>
                    <th scope="col">Signed</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.channels.map((c) => (
                    <tr key={c.id}>
                      <td>{c.name}</td>
                      <td>{c.kind}</td>
                      <td className="mono">{c.config.url ?? c.config.smtpHost ?? '—'}</td>
                      <td>{c.config.hasSecret ? 'yes' : 'no'}</td>
                      <td>
                        {canChange && (
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-label={`Send test to ${c.name}`}
                            onClick={() => void sendTest(c.id)}
                          >
                            Send test
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ResourceView>
      </article>
      <article className="card" aria-labelledby="rules-title">
        <header className="card-head">
          <h2 id="rules-title">Rules</h2>
          {canChange && form === null && channelList.length > 0 && (
            <div className="card-tools">
              <button
                type="button"
                className="btn btn-primary btn-small"
                onClick={() => setForm('rule')}
              >
                New rule
              </button>
            </div>
          )}
        </header>
        {form === 'rule' && (
          <RuleForm
            channels={channelList}
            onCancel={() => setForm(null)}
            onCreated={() => {
              setForm(null);
              rules.reload();
            }}
          />
        )}
        <ResourceView resource={rules} isEmpty={(d) => d.rules.length === 0} empty="No rules.">
          {(d) => (
            <div className="table-wrap">
              <table className="table compact" aria-label="Rules">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Matches</th>
                    <th scope="col">Sends to</th>
                    <th scope="col">Enabled</th>
                  </tr>
                </thead>
                <tbody>
                  {d.rules.map((r) => (
                    <tr key={r.id}>
                      <td>{r.name}</td>
                      <td>{describeRule(r)}</td>
                      <td>
                        {r.channelIds
                          .map((id) => channelList.find((c) => c.id === id)?.name ?? id)
                          .join(', ')}
                      </td>
                      <td>{r.enabled ? 'yes' : 'no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </ResourceView>
      </article>
      <article className="card" aria-labelledby="deliveries-title">
        <header className="card-head">
          <h2 id="deliveries-title">Delivery log</h2>
        </header>
        <DeliveryLog
          channels={channelList}
          canChange={canChange}
          version={logVersion}
          onError={setError}
        />
      </article>
    </section>
  );
}
