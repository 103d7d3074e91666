import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { connectRedis } from '@hdns/hub';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { BindConfig } from '../config.js';
import type { DnsBackend, DnsStateSource } from '../dns/dns-backend.js';
import { offBackend } from '../dns/dns-backend.js';
import { advanceFence, claimFence, FenceAheadError, readFence } from '../dns/bind-fence.js';
import { safeError } from '../http/safe-error.js';
import { settleWithin } from '../lib/settle-within.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import { decideBindMode } from './bind-mode.js';
import { managedBackend } from './managed-backend.js';
import type { ManagedBind } from './managed-bind.js';
import { startManagedBind, type ManagedStartOptions } from './managed-start.js';
import { startQueryCapture, type QueryCapture } from '../queries/query-capture.js';
import { RPZ_ZONE_NAME } from './rpz-zone-serializer.js';
import { BindLease } from './bind-lease.js';
import { switchingBackend } from './switching-backend.js';
import { unavailableBackend } from './unavailable-backend.js';
import {
  createSystemBind,
  readRndcKeyName,
  systemBackend,
  systemNamedConfSnippet,
  SYSTEM_INCLUDE_FILE,
  type SystemBind,
} from './system-bind.js';

/** Longest wait for the takeover listeners' stops (run together) when the lease is given up. */
const RELEASE_LISTENERS_MS = 1_000;

/** See `onTakeover`. */
export type TakeoverListener = () => Promise<(() => Promise<void>) | void>;

declare module 'fastify' {
  interface FastifyInstance {
    bind: {
      mode: 'managed' | 'system' | 'off';
      reason: string;
      managed: ManagedBind | null;
      /** Set in system mode. */
      system?: SystemBind;
      /** BIND's query and rpz log files for the monitors, when known. */
      logs?: { queryLog: string | null; rpzLog: string | null };
      /**
       * Where query facts come from (dnstap or the text log) and the feed dnstap pushes them
       * into; absent without a named to watch. Under the lease: the current holding's.
       */
      queries?: QueryCapture;
      backend: DnsBackend;
      /** HDNS_BIND_LEASE: who drives BIND among the instances. */
      lease?: BindLease;
      /**
       * HDNS_BIND_LEASE: runs `fn` each time this instance has taken the lease and its named
       * serves every zone (e.g. ending the jobs the previous holder left running, starting the
       * BIND monitors); the stop it may return runs when the lease is given up, before named
       * stops.
       */
      onTakeover?: (fn: TakeoverListener) => void;
    };
  }
}

/**
 * Decides the BIND mode at start and, in managed mode, writes named.conf and every zone from the
 * database (`state`, read by the dns side) and starts a supervised named on loopback.
 * Supervisor events become health alerts; reloads done outside the app become bind_reload
 * (trigger external) events.
 */
async function bindPlugin(
  app: FastifyInstance,
  options: {
    bind: BindConfig;
    dataDir: string;
    /** What BIND should serve, from the database: rendered at start and before every restart. */
    state: DnsStateSource;
    /** The DNS services' per-zone locks: BIND writes and re-renders take the same ones. */
    zoneLocks: KeyedMutex;
    /** HDNS_QUERY_SOURCE and HDNS_DNSTAP_IDENTITY. */
    queries: ManagedStartOptions['queries'];
    /** HDNS_BIND_LEASE: the lease's Redis, key prefix, and this instance's URL for its peers. */
    lease?: { redisUrl: string; prefix: string; url: string; secret: string };
  },
): Promise<void> {
  const requested = options.bind.mode === 'auto' ? 'auto' : options.bind.mode;
  const sys = options.bind.system;
  const decision = decideBindMode({
    requested,
    ...(requested === 'system' && sys
      ? {
          system: {
            zonesDir: path.join(sys.dir, 'zones'),
            includeFile: path.join(sys.dir, SYSTEM_INCLUDE_FILE),
            rndcKeyFile: sys.rndcKeyFile,
            rndcKeyName: await readRndcKeyName(sys.rndcKeyFile),
            ports: {
              dns: sys.dnsPort,
              rndc: sys.rndcPort,
              stats: sys.statsUrl ? Number(new URL(sys.statsUrl).port || 80) : 0,
            },
          },
        }
      : {}),
  });
  // The database's state comes from the dns side (dns/dns-state.ts): BIND knows no tables.
  const initialState = options.state;
  if (decision.mode === 'system' && sys) {
    const system = createSystemBind({
      settings: sys,
      binaries: decision.binaries,
      stateDir: path.join(options.dataDir, 'bind'),
      rndcKeyName: decision.system.rndcKeyName,
      initialState,
      zoneLocks: options.zoneLocks,
    });
    // Fails the start (naming the setting) when rndc does not answer or named lacks the include.
    const result = await system.start();
    for (const skipped of result.skipped) {
      app.log.error({ zone: skipped.zone }, `zone left out of BIND at start: ${skipped.message}`);
    }
    app.log.info(
      { mode: 'system', dir: sys.dir },
      `${decision.reason}; zones in ${system.layout.namedConf}. named.conf needs:\n` +
        systemNamedConfSnippet(sys.dir),
    );
    // Their named pushes dnstap to our socket when they configured one (README, system mode).
    const capture =
      sys.dnstapSocket === null
        ? null
        : await startQueryCapture({
            setting: options.queries.source,
            textLogWithDnstap: true,
            socketPath: sys.dnstapSocket,
            namedPath: null,
            support: { supported: true },
            rpzZones: () => [RPZ_ZONE_NAME],
            logger: app.log,
          });
    if (capture) app.addHook('onClose', () => capture.stop());
    app.decorate('bind', {
      mode: 'system',
      reason: decision.reason,
      managed: null,
      system,
      logs: { queryLog: sys.queryLog, rpzLog: sys.rpzLog },
      ...(capture ? { queries: capture } : {}),
      backend: systemBackend(system),
    });
    return;
  }
  if (options.lease) {
    await leasedBind(app, options, options.lease, decision);
    return;
  }
  if (decision.mode !== 'managed') {
    app.log.info(
      { mode: 'off', reason: decision.reason },
      `BIND management is off: ${decision.reason}`,
    );
    app.decorate('bind', {
      mode: 'off',
      reason: decision.reason,
      managed: null,
      backend: offBackend,
    });
    return;
  }
  const { managed, capture, stop } = await startManagedBind(app, options, decision.binaries);
  app.decorate('bind', {
    mode: 'managed',
    reason: decision.reason,
    managed,
    queries: capture,
    backend: managedBackend(managed),
  });
  app.addHook('onClose', stop);
}

/**
 * HDNS_BIND_LEASE: BIND is driven by the lease holder only. An eligible instance (a managed named
 * is available) starts its named, rendering every zone from the database, when it takes the
 * lease, and stops it when it loses the lease; meanwhile, and always on an ineligible instance,
 * its backend refuses changes (lease-forward.ts forwards DNS writes to the holder).
 */
async function leasedBind(
  app: FastifyInstance,
  options: ManagedStartOptions,
  lease: { redisUrl: string; prefix: string; url: string; secret: string },
  decision: ReturnType<typeof decideBindMode>,
): Promise<void> {
  const eligible = decision.mode === 'managed';
  const waiting = unavailableBackend('another instance holds the BIND lease');
  const onError = (err: unknown) =>
    app.log.warn({ error: safeError(err) }, `BIND lease: ${safeError(err).message}`);
  const client = await connectRedis(lease.redisUrl, { name: 'hdns-lease', onError });
  let stopNamed: (() => Promise<void>) | null = null;
  let active: DnsBackend = waiting;
  const takeoverListeners: TakeoverListener[] = [];
  /** The stops the listeners returned for the current holding. */
  let releases: (() => Promise<void>)[] = [];
  const take = async (fn: TakeoverListener): Promise<void> => {
    const release = await fn();
    if (release) releases.push(release);
  };
  const node = `${os.hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
  /**
   * Claims the database's fence for `token`. When the fence is ahead because Redis lost the
   * token counter (tokens restarted below it), the counter is raised past it first, so the
   * next acquisition (after this failed one) gets a token the fence accepts.
   */
  const claim = async (token: number): Promise<void> => {
    try {
      await claimFence(app.db, { token, holder: node });
    } catch (err) {
      if (err instanceof FenceAheadError) await keeper.raiseTokenFloor(err.fence);
      throw err;
    }
  };
  const keeper = new BindLease({
    client,
    prefix: lease.prefix,
    node,
    url: lease.url,
    secret: lease.secret,
    eligible,
    onError,
    onAcquire: async (token) => {
      if (!eligible || decision.mode !== 'managed') return;
      // Before rendering: a write of the previous holder commits before this (and is rendered)
      // or is refused by the fence (dns/bind-fence.ts).
      await claim(token);
      app.log.info({ token, node }, 'took the BIND lease: rendering every zone into named');
      const started = await startManagedBind(app, options, decision.binaries, {
        startMessage: `named started: this instance took the BIND lease (fencing token ${token})`,
        // A holder whose named is down for good serves nothing: another instance takes over.
        onGaveUp: (reason) => keeper.abandon(`named is down: ${reason}`),
      });
      stopNamed = started.stop;
      state.managed = started.managed;
      state.queries = started.capture;
      active = managedBackend(started.managed);
      for (const fn of [...takeoverListeners]) await take(fn).catch(onError);
    },
    onNewToken: async (token, previous) => {
      app.log.warn(
        { node, token, previous },
        'took the BIND lease again under a new token (Redis lost it)',
      );
      // Nobody held it in between only if the fence still carries this holder's old token;
      // otherwise the lease rejects this and BIND is taken over again from the database.
      if (!(await advanceFence(app.db, node, previous, token))) {
        throw new Error('another instance held the BIND lease in between: rendering again');
      }
    },
    fenceToken: async () => (await readFence(app.db)).token,
    onLose: async (reason) => {
      app.log.warn({ node, reason }, `gave up the BIND lease: ${reason}`);
      active = waiting;
      state.managed = null;
      delete state.queries;
      const stops = releases;
      releases = [];
      // Bounded: a monitor may be stuck publishing to a Redis that is away, and named must
      // stop anyway (before the lease can pass on, and within a SIGTERM's stop timeout).
      await settleWithin(
        Promise.all(stops.map((release) => release().catch(onError))),
        RELEASE_LISTENERS_MS,
      );
      const stop = stopNamed;
      stopNamed = null;
      await stop?.();
    },
  });
  const state: FastifyInstance['bind'] = {
    mode: eligible ? 'managed' : 'off',
    reason: eligible
      ? `${decision.reason}; driven while this instance holds the BIND lease`
      : `${decision.reason}; DNS writes go to the BIND lease holder`,
    managed: null,
    backend: switchingBackend(() => active),
    lease: keeper,
    onTakeover: (fn) => {
      takeoverListeners.push(fn);
      // Registered after this instance took over: it missed the call, so it runs now.
      if (active !== waiting) take(fn).catch(onError);
    },
  };
  app.decorate('bind', state);
  const stopLease = await keeper.start();
  app.log.info({ node, eligible, url: lease.url }, 'BIND lease mode');
  app.addHook('onClose', async () => {
    await stopLease();
    // Not close(): it would wait for replies a Redis that is away never sends.
    client.destroy();
  });
}

export const bind = fp(bindPlugin, {
  name: 'hdns-bind',
  dependencies: ['hdns-storage', 'hdns-realtime'],
});
