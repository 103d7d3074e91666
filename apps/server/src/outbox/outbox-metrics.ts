import { Gauge, type Registry } from 'prom-client';
import type { OutboxStore } from './outbox-store.js';

interface MetricsLogger {
  warn(obj: object, msg?: string): void;
}

/**
 * `hdns_outbox_pending` (rows committed, not yet in the event log) and `hdns_outbox_dead` (rows
 * the catalogue refused, parked for an operator), read from the table at scrape time. A pending
 * count that stays above 0 means the relay cannot reach the event log: changes are stored, their
 * events are late. Any dead row is an event that will never be delivered without a human.
 */
export function registerOutboxGauges(
  registry: Registry,
  store: OutboxStore,
  log: MetricsLogger,
): void {
  // Both gauges are collected in the same scrape: one query answers both.
  let inFlight: Promise<{ pending: number; dead: number } | null> | null = null;
  const read = () =>
    (inFlight ??= store
      .count()
      .catch((err: unknown) => {
        // One unreadable table must not fail the whole scrape; the gauges keep their last value.
        log.warn({ err }, 'could not count the outbox for /metrics');
        return null;
      })
      .finally(() => {
        inFlight = null;
      }));
  new Gauge({
    name: 'hdns_outbox_pending',
    help: 'Outbox rows committed and not yet relayed to the event log',
    registers: [registry],
    async collect() {
      const counts = await read();
      if (counts) this.set(counts.pending);
    },
  });
  new Gauge({
    name: 'hdns_outbox_dead',
    help: 'Outbox rows refused by the event catalogue and parked (never relayed)',
    registers: [registry],
    async collect() {
      const counts = await read();
      if (counts) this.set(counts.dead);
    },
  });
}
