import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { BindConfig } from '../config.js';
import type { DnsBackend, DnsStateSource } from '../dns/dns-backend.js';
import { offBackend } from '../dns/dns-backend.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import { decideBindMode } from './bind-mode.js';
import { managedBackend } from './managed-backend.js';
import { createManagedBind, type ManagedBind } from './managed-bind.js';
import { statsReloadSnapshot, watchExternalReloads } from './external-reload-watch.js';
import type { SupervisorEvent } from './named-supervisor.js';
import { stopStaleNamed } from './stale-named.js';
import {
  createSystemBind,
  readRndcKeyName,
  systemBackend,
  systemNamedConfSnippet,
  SYSTEM_INCLUDE_FILE,
  type SystemBind,
} from './system-bind.js';

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
      backend: DnsBackend;
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
    app.decorate('bind', {
      mode: 'system',
      reason: decision.reason,
      managed: null,
      system,
      logs: { queryLog: sys.queryLog, rpzLog: sys.rpzLog },
      backend: systemBackend(system),
    });
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
  const publishSafely = (p: Promise<unknown>): void => {
    p.catch((err: unknown) => app.log.error({ err }, 'failed to publish a BIND event'));
  };
  const onEvent = (e: SupervisorEvent): void => {
    app.log[e.type === 'started' || e.type === 'restarted' ? 'info' : 'warn'](
      { bind: e },
      `named ${e.type}`,
    );
    if (e.type === 'exited' && e.restartInMs !== null) {
      publishSafely(
        app.hub.publish(
          'health_alert',
          {
            severity: 'critical',
            source: 'bind',
            message: `named exited (${e.signal ?? `code ${String(e.code)}`}); restarting in ${e.restartInMs} ms`,
          },
          { priority: 'critical', source: 'bind' },
        ),
      );
    } else if (e.type === 'restarted') {
      publishSafely(
        app.hub.publish(
          'health_alert',
          {
            severity: 'info',
            source: 'bind',
            message: `named restarted (attempt ${e.attempt})`,
            resolved: true,
          },
          { source: 'bind' },
        ),
      );
    } else if (e.type === 'gave_up') {
      publishSafely(
        app.hub.publish(
          'health_alert',
          { severity: 'critical', source: 'bind', message: `named is down: ${e.reason}` },
          { priority: 'critical', source: 'bind' },
        ),
      );
    }
  };
  const managed = createManagedBind({
    dataDir: path.join(options.dataDir, 'bind'),
    binaries: decision.binaries,
    ports: {
      dns: options.bind.dnsPort,
      rndc: options.bind.rndcPort,
      stats: options.bind.statsPort,
    },
    initialState,
    onEvent,
    zoneLocks: options.zoneLocks,
  });
  const stale = await stopStaleNamed(managed.layout.pidFile, managed.layout.namedConf);
  if (stale !== null)
    app.log.warn({ pid: stale }, 'stopped a named left running by an earlier server process');
  const stop = await managed.start();
  for (const skipped of managed.bootstrapResult?.skipped ?? []) {
    app.log.error({ zone: skipped.zone }, `zone left out of BIND at start: ${skipped.message}`);
  }
  app.log.info(
    { mode: 'managed', ports: managed.ports },
    `BIND9 managed: DNS on 127.0.0.1:${managed.ports.dns}`,
  );
  publishSafely(
    app.hub.publish(
      'bind_reload',
      { zone: null, trigger: 'startup', success: true, message: 'named started' },
      { source: 'bind' },
    ),
  );

  const stopWatch = watchExternalReloads({
    read: () => statsReloadSnapshot(managed.stats),
    isExpected: (c) =>
      c.kind === 'zone'
        ? managed.writer.ownsSerial(c.zone, c.after)
        : Date.now() - (managed.writer.lastReconfigAt ?? 0) < 15_000,
    onChange: (c) => {
      publishSafely(
        app.hub.publish(
          'bind_reload',
          c.kind === 'zone'
            ? {
                zone: c.zone,
                trigger: 'external',
                success: true,
                ...(c.after !== null ? { serial: c.after } : {}),
                message: 'reloaded outside the app',
              }
            : {
                zone: null,
                trigger: 'external',
                success: true,
                message: 'configuration reloaded outside the app',
              },
          { source: 'bind' },
        ),
      );
    },
  });
  app.decorate('bind', {
    mode: 'managed',
    reason: decision.reason,
    managed,
    backend: managedBackend(managed),
  });
  app.addHook('onClose', async () => {
    stopWatch();
    await stop();
  });
}

export const bind = fp(bindPlugin, {
  name: 'hdns-bind',
  dependencies: ['hdns-storage', 'hdns-realtime'],
});
