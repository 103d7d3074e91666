/**
 * Alerts: notification channels (with a "send test" button), the rules that send events to
 * them, and the delivery log (with "re-send"). Operators read; admins change.
 */
import { useState, type ReactNode } from 'react';
import { roleAtLeast } from '@hdns/protocol';
import { useApi, useSignedIn } from '../../auth/auth-context';
import { useResource } from '../../hooks/use-resource';
import { ChannelsCard } from './ChannelsCard';
import { DeliveryLog } from './DeliveryLog';
import { RulesCard } from './RulesCard';

export function AlertsPage(): ReactNode {
  const api = useApi();
  const user = useSignedIn();
  const canChange = roleAtLeast(user.role, 'admin');
  const channels = useResource((signal) => api.listAlertChannels({ signal }), 'alert-channels');
  const rules = useResource((signal) => api.listAlertRules({ signal }), 'alert-rules');
  const [logVersion, setLogVersion] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const channelList = channels.data?.channels ?? [];

  return (
    <section className="page" aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <p className="muted">
        Rules send matching events to chat, webhooks, Alertmanager or email. Failed deliveries are
        retried with backoff and end as dead after the last attempt; the log shows every answer.
      </p>
      <ChannelsCard
        channels={channels}
        canChange={canChange}
        onTestSent={() => setLogVersion((v) => v + 1)}
      />
      <RulesCard rules={rules} channels={channelList} canChange={canChange} />
      <article className="card" aria-labelledby="deliveries-title">
        <header className="card-head">
          <h2 id="deliveries-title">Delivery log</h2>
        </header>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
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
