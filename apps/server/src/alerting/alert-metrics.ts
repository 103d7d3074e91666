import type { AlertChannelKind, DeliveryStatus } from '@hdns/protocol/rest';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeliveryStore } from './delivery-store.js';

/** What an attempt came to: the row delivered, failed (to be retried) or dead (no more tries). */
export type AttemptOutcome = 'delivered' | 'failed' | 'dead';

/** Records one delivery attempt; the worker calls it after each. */
export type AttemptObserver = (
  kind: AlertChannelKind,
  outcome: AttemptOutcome,
  seconds: number,
) => void;

interface MetricsLogger {
  warn(obj: object, msg?: string): void;
}

/**
 * Alerting on /metrics: `hdns_alert_delivery_attempts_total{kind,outcome}`, the attempts' time
 * `hdns_alert_delivery_seconds{kind}`, and `hdns_alert_deliveries{status}`, the queue and log
 * by status read at scrape time (pending and failed rows waiting mean channels are behind; any
 * dead row is an alert nobody received). Kinds and statuses are fixed lists: the series count
 * does not grow with channels or traffic.
 */
export function registerAlertMetrics(
  registry: Registry,
  store: DeliveryStore,
  log: MetricsLogger,
): AttemptObserver {
  const attempts = new Counter({
    name: 'hdns_alert_delivery_attempts_total',
    help: 'Alert delivery attempts by channel kind and outcome',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'hdns_alert_delivery_seconds',
    help: 'Time of one alert delivery attempt (request to answer, or to the failure)',
    labelNames: ['kind'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'hdns_alert_deliveries',
    help: 'Alert deliveries in the queue and log, by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      let counts: Record<DeliveryStatus, number>;
      try {
        counts = await store.countByStatus();
      } catch (err) {
        // One unreadable table must not fail the whole scrape; the gauge keeps its last value.
        log.warn({ err }, 'could not count alert deliveries for /metrics');
        return;
      }
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  return (kind, outcome, s) => {
    attempts.inc({ kind, outcome });
    seconds.observe({ kind }, s);
  };
}
