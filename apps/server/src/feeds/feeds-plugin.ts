import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../config.js';
import { FeedScheduler } from './feed-scheduler.js';
import { FeedService } from './feed-service.js';

declare module 'fastify' {
  interface FastifyInstance {
    feeds: FeedService;
  }
}

export interface FeedsPluginOptions {
  settings: AppConfig['feeds'];
  /** `<data>/feeds` (feed-files.ts). */
  dir: string;
  /** How often the scheduler looks for feeds due; default 30 s. */
  tickMs?: number;
}

/** Blocklist feeds over the DNS backend; the scheduler runs while the app is open. */
async function feedsPlugin(app: FastifyInstance, options: FeedsPluginOptions): Promise<void> {
  const service = new FeedService({
    db: app.db,
    backend: app.dns.backend,
    outbox: app.outbox,
    publish: (type, data) => {
      app.hub.publish(type, data, { source: 'feeds' }).catch((err: unknown) => {
        app.log.warn({ err: String(err) }, 'feed event not published');
      });
    },
    dir: options.dir,
    fetch: {
      allowPrivate: options.settings.allowPrivate,
      maxBytes: options.settings.maxMegabytes * 1024 * 1024,
      timeoutMs: options.settings.timeoutSeconds * 1000,
    },
    log: app.log,
  });
  app.decorate('feeds', service);
  const lease = app.bind.lease;
  const scheduler = new FeedScheduler(service, {
    tickMs: options.tickMs ?? 30_000,
    active: () => !lease || lease.current()?.kind === 'mine',
    log: app.log,
  });
  const stop = scheduler.start();
  app.addHook('preClose', async () => {
    await stop();
    await service.settle();
  });
  return Promise.resolve();
}

export const feeds = fp(feedsPlugin, {
  name: 'hdns-feeds',
  dependencies: ['hdns-storage', 'hdns-realtime', 'hdns-outbox', 'hdns-bind', 'hdns-dns'],
});
