import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../config.js';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { AlertCursor } from './alert-cursor.js';
import { AlertDispatcher } from './alert-dispatcher.js';
import { registerAlertMetrics } from './alert-metrics.js';
import { AlertService } from './alert-service.js';
import { ChannelStore } from './channel-store.js';
import { DeliveryStore } from './delivery-store.js';
import { DeliveryWorker } from './delivery-worker.js';
import { EscalationCheck } from './escalation-check.js';
import { PollLoop } from './poll-loop.js';
import { RuleMatcher } from './rule-matcher.js';
import { RuleStore } from './rule-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    alerts: AlertService;
  }
}

/** Events within this many ms of each other wake the matching once. */
const WAKE_COALESCE_MS = 200;

export interface AlertingPluginOptions {
  settings: AppConfig['alerting'];
}

/**
 * Alert rules and channels: the dispatcher follows the event log into the delivery queue, the
 * escalation check watches unacknowledged critical events, the worker sends. Three loops, all
 * stopped (timers cleared, attempts in flight given back) before the database closes.
 */
async function alertingPlugin(app: FastifyInstance, options: AlertingPluginOptions): Promise<void> {
  const s = options.settings;
  const rules = new RuleStore(app.db);
  const channels = new ChannelStore(app.db);
  const deliveries = new DeliveryStore(app.db);
  const onError = (what: string) => (err: unknown) => {
    app.log.error({ err: String(err) }, `alerting: ${what} failed`);
  };

  const worker = new DeliveryWorker(
    deliveries,
    channels,
    {
      timeoutMs: s.timeoutSeconds * 1000,
      allowPrivate: s.allowPrivateTargets,
      maxAttempts: s.maxAttempts,
      retryBaseMs: s.retryBaseMs,
      retryMaxMs: s.retryMaxMs,
    },
    app.log,
    registerAlertMetrics(app.metrics, deliveries, app.log),
  );
  const sending = new PollLoop((signal) => worker.runOnce(signal), s.pollMs, onError('delivery'));
  const wake = () => sending.wake();
  const cursor = new AlertCursor(
    app.db,
    app.hub.log,
    `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  );
  const dispatcher = new AlertDispatcher(
    cursor,
    app.hub.log,
    rules,
    deliveries,
    new RuleMatcher(),
    wake,
  );
  // Fix the starting position now (on a first start), so events published right after the
  // start are alerted on.
  await cursor.ensure();
  const matching = new PollLoop(
    (signal) => dispatcher.runOnce(signal),
    s.pollMs,
    onError('matching'),
  );
  // New events wake the matching (coalesced to one run per WAKE_COALESCE_MS under traffic), so
  // an alert leaves within a fraction of a second; the poll remains for timed conditions and
  // for the claim. Without an enabled rule, events wake nothing.
  let waking: NodeJS.Timeout | undefined;
  const stopWaking = app.hub.onEvent(() => {
    if (waking !== undefined || !dispatcher.wantsEvents()) return;
    waking = setTimeout(() => {
      waking = undefined;
      matching.wake();
    }, WAKE_COALESCE_MS);
  });
  const escalation = new EscalationCheck(app.db, app.hub.log, rules, deliveries, wake);
  const escalating = new PollLoop(() => escalation.runOnce(), s.pollMs, onError('escalation'));

  // The delivery log is bounded by age; hourly is often enough for a limit counted in days.
  const pruning = new PollLoop(
    async () => {
      const cutoff = Date.now() - s.deliveryRetentionSeconds * 1000;
      await deliveries.prune(new Date(cutoff).toISOString());
    },
    3_600_000,
    onError('delivery log pruning'),
  );

  app.decorate(
    'alerts',
    new AlertService(app.db, rules, channels, deliveries, {
      allowPrivate: s.allowPrivateTargets,
      wake,
      ruleChanged: () => {
        dispatcher.rulesChanged();
        matching.wake();
      },
    }),
  );
  const stops = [matching.start(), escalating.start(), sending.start(), pruning.start()];
  app.addHook('preClose', async () => {
    stopWaking();
    clearTimeout(waking);
    await Promise.all(stops.map((stop) => stop()));
    await cursor
      .release()
      .catch((err: unknown) => app.log.warn({ err }, 'alerting: matcher claim not released'));
  });
  return Promise.resolve();
}

export const alerting = fp(alertingPlugin, {
  name: 'hdns-alerting',
  dependencies: ['hdns-storage', 'hdns-metrics', 'hdns-realtime'],
});
