import { BIND_LISTEN_ADDRESS, DEFAULT_RNDC_KEY_NAME } from './bind/bind-layout.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { LoggerOptions } from 'pino';
import { auth } from './auth/auth-plugin.js';
import { bootstrapAdmin } from './auth/bootstrap-admin.js';
import type { AppConfig } from './config.js';
import { openApi } from './docs/openapi-plugin.js';
import { clientAddress } from './http/client-address.js';
import { requestHost } from './http/request-host.js';
import { clientErrorHandler } from './http/client-error.js';
import { proxyTrust } from './http/trusted-proxies.js';
import { rateLimit } from './http/rate-limit-plugin.js';
import { errorHandler, frameworkErrors } from './http/error-handler.js';
import { closeKeepAlive } from './http/close-keepalive.js';
import { securityHeaders } from './http/security-headers.js';
import { buildLoggerOptions, type LoggerExtras } from './logger.js';
import { authRoutes } from './routes/auth-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { userRoutes } from './routes/user-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { accountRoutes } from './routes/account-routes.js';
import { storage } from './storage/storage-plugin.js';
import { metrics } from './metrics/metrics-plugin.js';
import { attachLegacy } from '@hdns/hub';
import { realtime } from './realtime/realtime-plugin.js';
import { LegacyGate } from './realtime/legacy-gate.js';
import { LegacyUseStore } from './realtime/legacy-use-store.js';
import { legacyClientRoutes } from './routes/legacy-client-routes.js';
import { bind } from './bind/bind-plugin.js';
import { leaseForwarding } from './bind/lease-forward.js';
import { dns } from './dns/dns-plugin.js';
import { readDnsState } from './dns/dns-state.js';
import { KeyedMutex } from './lib/keyed-mutex.js';
import { outbox } from './outbox/outbox-plugin.js';
import { monitors } from './monitors/monitors-plugin.js';
import { dashboardStatic } from './static/static-plugin.js';
import { zoneRoutes, jobRoutes } from './routes/zone-routes.js';
import { dnssecRoutes } from './routes/dnssec-routes.js';
import { secondaryRoutes, tsigKeyRoutes, zoneSyncRoutes } from './routes/replication-routes.js';
import { forwarderRoutes, rpzRoutes } from './routes/policy-routes.js';
import { settingsRoutes } from './routes/settings-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { adminRoutes } from './routes/admin-routes.js';
import { queryStore } from './querystore/querystore-plugin.js';
import { queryRoutes } from './routes/query-routes.js';
import { feedRoutes } from './routes/feed-routes.js';
import { feeds } from './feeds/feeds-plugin.js';
import { FeedStore } from './feeds/feed-store.js';
import { feedsDir, readPolicyZones } from './feeds/feed-files.js';
import { alerting } from './alerting/alerting-plugin.js';
import { alertRoutes } from './routes/alert-routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig;
    /**
     * The admin password generated on first start, returned once (then null), for main.ts to
     * show the operator. Never logged.
     */
    takeGeneratedAdminPassword(): string | null;
  }
}

export interface BuildAppOptions {
  config: AppConfig;
  /**
   * false: no logging. true or omitted: pino at the configured level with redaction. An object:
   * pino options merged over those (e.g. `{ stream }` to capture output); redaction is kept.
   */
  logger?: boolean | (LoggerOptions & LoggerExtras);
}

/**
 * Builds the app without listening. Plugins load in order: error handling and config, storage
 * (migrations; closes the db on close), auth, first-admin bootstrap, OpenAPI, then the routes.
 * More plugins may be registered on the returned instance before `ready()`/`listen()`.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const logger =
    options.logger === false
      ? false
      : buildLoggerOptions(config, typeof options.logger === 'object' ? options.logger : {});

  // One trust rule for REST (Fastify's request.ip and request.host) and WebSocket upgrades
  // (clientAddress, requestHost).
  const trust = proxyTrust(config.trustedProxies);
  const app = Fastify({
    logger,
    trustProxy: trust,
    bodyLimit: config.bodyLimitBytes,
    // Ids in logs only; never taken from a client header.
    requestIdHeader: false,
    // Malformed URLs and requests the HTTP parser refuses answer with catalogue codes too.
    frameworkErrors,
    clientErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  try {
    await app.register(errorHandler);
    await app.register(securityHeaders);
    await app.register(closeKeepAlive);
    app.decorate('config', config);
    await app.register(storage, {
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      idleInTransactionTimeoutMs: config.databaseIdleInTransactionTimeout * 1000,
    });
    await app.register(auth, { config });
    // Before every route, so its onRequest hook runs ahead of the routes' own hooks.
    await app.register(rateLimit, { limit: config.rateLimit });

    const boot = await bootstrapAdmin(app.users, app.auditLog, config.adminPassword, {
      dataDir: config.dataDir,
    });
    if (boot.created) app.log.info({ username: 'admin' }, 'created the first admin user');
    let generated = boot.generatedPassword;
    app.decorate('takeGeneratedAdminPassword', () => {
      const value = generated;
      generated = null;
      return value;
    });

    await app.register(metrics);
    // HDNS_LEGACY and the record of who still uses the legacy protocols (realtime/legacy-gate.ts).
    const legacyUse = new LegacyUseStore(app.db);
    let legacyGate: LegacyGate | undefined;
    await app.register(realtime, {
      realtime: config.realtime,
      dataDir: config.dataDir,
      allowedOrigins: config.allowedOrigins,
      clientIp: (req) => clientAddress(req, trust),
      clientHost: (req) => requestHost(req, trust),
      legacy: (hub) => {
        legacyGate = new LegacyGate({
          mode: config.realtime.legacy,
          attach: (socket, context, announce) =>
            attachLegacy(hub, socket, { ...context, announce }),
          usage: legacyUse,
          metrics: hub.metrics,
          log: app.log,
        });
        return legacyGate;
      },
    });
    // onClose hooks run last-registered first: this one before the hub closes its sockets (so
    // the gate records the last-seen time of those still open) and before storage closes (so
    // no write comes after it).
    app.addHook('onClose', async () => {
      await legacyGate?.close();
    });

    await app.register(outbox);
    // One registry of per-zone locks: the DNS services hold them, BIND's writer takes the same.
    const zoneLocks = new KeyedMutex();
    // The catalog zone exists in managed mode only (system mode: the operator's named.conf).
    const catalogZone =
      config.bind.catalogZone === 'off' || config.bind.mode === 'system'
        ? null
        : config.bind.catalogZone;
    await app.register(bind, {
      bind: config.bind,
      dataDir: config.dataDir,
      state: async () => ({
        ...(await readDnsState(app.db, config.dns, catalogZone)),
        policyZones: await readPolicyZones(new FeedStore(app.db), feedsDir(config.dataDir)),
      }),
      zoneLocks,
      queries: {
        source: config.monitors.querySource,
        textLogWithDnstap: config.monitors.queryLogWithDnstap,
        identity: config.monitors.dnstapIdentity ?? undefined,
      },
      ...(config.bind.lease && config.realtime.redisUrl && config.jwtSecret
        ? {
            lease: {
              redisUrl: config.realtime.redisUrl,
              prefix: config.realtime.redisPrefix,
              url:
                config.bind.clusterUrl ??
                `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`,
              secret: config.jwtSecret,
            },
          }
        : {}),
    });
    await app.register(dns, {
      backend: () => app.bind.backend,
      zoneLocks,
      dnsEnv: config.dns,
      catalogZone,
      reservedKeyNames: [DEFAULT_RNDC_KEY_NAME],
      ownDnsListener: () => {
        const managed = app.bind.managed;
        return managed ? { address: BIND_LISTEN_ADDRESS, port: managed.ports.dns } : null;
      },
    });
    await app.register(feeds, { settings: config.feeds, dir: feedsDir(config.dataDir) });
    await app.register(alerting, { settings: config.alerting });
    await app.register(leaseForwarding, {
      clientIp: (req) => clientAddress(req, trust),
      feedDownloadTimeoutMs: config.feeds.timeoutSeconds * 1000,
    });
    await app.register(queryStore, {
      settings: config.queryStore,
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
    });
    await app.register(monitors, {
      settings: config.monitors,
      detection: config.detection,
      dataDir: config.dataDir,
    });

    await app.register(openApi);
    await app.register(healthRoutes);
    await app.register(authRoutes, { prefix: '/api/auth' });
    await app.register(userRoutes, { prefix: '/api/users' });
    await app.register(tokenRoutes, { prefix: '/api/tokens' });
    await app.register(accountRoutes, { prefix: '/api/account' });
    await app.register(eventRoutes, { prefix: '/api/events' });
    await app.register(adminRoutes, { prefix: '/api/admin' });
    await app.register(legacyClientRoutes, {
      prefix: '/api/admin',
      mode: config.realtime.legacy,
      store: legacyUse,
    });
    await app.register(zoneRoutes, { prefix: '/api/zones' });
    await app.register(dnssecRoutes, { prefix: '/api/zones' });
    await app.register(zoneSyncRoutes, { prefix: '/api/zones' });
    await app.register(tsigKeyRoutes, { prefix: '/api/tsig-keys' });
    await app.register(secondaryRoutes, { prefix: '/api/secondaries' });
    await app.register(jobRoutes, { prefix: '/api/jobs' });
    await app.register(forwarderRoutes, { prefix: '/api/forwarders' });
    await app.register(rpzRoutes, { prefix: '/api/rpz' });
    await app.register(feedRoutes, { prefix: '/api/feeds' });
    await app.register(alertRoutes, { prefix: '/api/alerts' });
    await app.register(settingsRoutes, { prefix: '/api/settings' });
    await app.register(queryRoutes, { prefix: '/api/queries' });
    await app.register(dashboardStatic);
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}
