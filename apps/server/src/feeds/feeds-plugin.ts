import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { AppConfig } from '../config.js';
import { fencedOutbox } from '../dns/bind-fence.js';
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
  /** How often the scheduler looks for feeds due; default the settings' checkSeconds. */
  tickMs?: number;
}

/**
 * True while this instance drives BIND: always without the BIND lease; under it, once it holds
 * the lease and its named runs (between the lease and the fence claim and named's start, the
 * backend refuses every change: a refresh then would only fail).
 */
export function drivesBind(bind: Pick<FastifyInstance['bind'], 'lease' | 'managed'>): boolean {
  return !bind.lease || (bind.lease.current().kind === 'mine' && bind.managed !== null);
}

/** Blocklist feeds over the DNS backend; the scheduler runs while the app is open. */
async function feedsPlugin(app: FastifyInstance, options: FeedsPluginOptions): Promise<void> {
  // Under the BIND lease a feed's commits are fenced like every DNS write (dns-plugin.ts): they
  // store only while this instance holds the lease it claimed the fence with. Writes reaching
  // another instance are forwarded to the holder (bind/lease-forward.ts lists /api/feeds).
  const service = new FeedService({
    db: app.db,
    backend: app.dns.backend,
    outbox: fencedOutbox(app.outbox, app.bind.lease),
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
    retryBaseMs: options.settings.retrySeconds * 1000,
  });
  app.decorate('feeds', service);
  const scheduler = new FeedScheduler(service, {
    tickMs: options.tickMs ?? options.settings.checkSeconds * 1000,
    active: () => drivesBind(app.bind),
    log: app.log,
  });
  const stop = scheduler.start();
  // A new holder's named serves none of the feeds it has no current file of: rebuilt at once,
  // not at the next check.
  app.bind.onTakeover?.(() => {
    scheduler.kick();
    return Promise.resolve();
  });
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
