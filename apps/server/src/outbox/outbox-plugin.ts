import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Outbox } from './outbox.js';
import { registerOutboxGauges } from './outbox-metrics.js';
import { OutboxRelay } from './outbox-relay.js';
import { OutboxStore } from './outbox-store.js';
import { settleWithin } from '../lib/settle-within.js';

/** Longest wait for a relay round in flight at shutdown. */
const RELAY_STOP_MS = 2_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Writes a change and its events in one transaction (see outbox.ts). */
    outbox: Outbox;
  }
}

export interface OutboxPluginOptions {
  /** Safety-net poll of the relay (ms); commits wake it at once. */
  pollMs?: number;
}

/**
 * The transactional outbox over the app database and its relay into the hub. The relay starts
 * here (delivering what a crashed process left) and stops on close, after the hub closed its
 * sockets and before the event log and the database close (onClose runs in reverse order of
 * registration); rows it did not reach go out at the next start.
 */
function outboxPlugin(app: FastifyInstance, options: OutboxPluginOptions): Promise<void> {
  const store = new OutboxStore(app.db);
  const relay = new OutboxRelay({
    store,
    publish: (type, data, opts) => app.hub.publish(type, data, opts),
    log: app.log,
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
  });
  const outbox = new Outbox(app.db, store, relay);
  registerOutboxGauges(app.metrics, store, app.log);
  app.decorate('outbox', outbox);
  // User changes and API-token revocations write their events through it too (both services
  // are built earlier, by auth).
  app.users.useOutbox(outbox);
  app.apiTokens.useOutbox(outbox);
  const stop = relay.start();
  app.addHook('onClose', async () => {
    // A round stuck on an event log that is away (Redis) must not hold the shutdown: what it
    // was delivering stays in the outbox, and the next relay (any instance) delivers it.
    await settleWithin(stop(), RELAY_STOP_MS);
  });
  return Promise.resolve();
}

export const outbox = fp(outboxPlugin, {
  name: 'hdns-outbox',
  dependencies: ['hdns-storage', 'hdns-auth', 'hdns-metrics', 'hdns-realtime'],
});
