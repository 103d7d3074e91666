import { bool, int, seconds } from './setting-kinds.js';
import { setting, type SettingTree } from './setting.js';

/** Alert rules and notification channels (alerting/): how deliveries are sent and retried. */
export const ALERT_SETTINGS = {
  allowPrivateTargets: setting(
    'HDNS_ALERT_ALLOW_PRIVATE_TARGETS',
    bool(),
    false,
    'let alert channels send to private, loopback, link-local, multicast and unspecified ' +
      'addresses (refused by default, so a channel URL cannot reach services inside the network)',
  ),
  timeoutSeconds: setting(
    'HDNS_ALERT_TIMEOUT',
    seconds(1, 300),
    10,
    'longest one alert delivery attempt may take (connect, send, answer)',
  ),
  maxAttempts: setting(
    'HDNS_ALERT_MAX_ATTEMPTS',
    int(1, 100),
    8,
    'attempts before a delivery is marked `dead` (re-send it from the delivery log)',
  ),
  retryBaseMs: setting(
    'HDNS_ALERT_RETRY_BASE_MS',
    int(10, 3_600_000, 'milliseconds'),
    5_000,
    'first retry delay of a failed delivery; it doubles per attempt, with jitter',
  ),
  retryMaxMs: setting(
    'HDNS_ALERT_RETRY_MAX_MS',
    int(10, 86_400_000, 'milliseconds'),
    3_600_000,
    'longest delay between two attempts of a delivery',
  ),
  deliveryRetentionSeconds: setting(
    'HDNS_ALERT_DELIVERY_RETENTION',
    seconds(3600, 3650 * 86_400),
    30 * 86_400,
    'how long delivered and dead deliveries stay in the delivery log',
  ),
  pollMs: setting(
    'HDNS_ALERT_POLL_MS',
    int(50, 60_000, 'milliseconds'),
    1_000,
    'how often the alert matcher reads new events and the worker looks for due deliveries',
  ),
} satisfies SettingTree;
