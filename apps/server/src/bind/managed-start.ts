import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BindConfig } from '../config.js';
import type { DnsStateSource } from '../dns/dns-backend.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import type { BindBinaries } from './bind-binaries.js';
import { statsReloadSnapshot, watchExternalReloads } from './external-reload-watch.js';
import { createManagedBind, type ManagedBind } from './managed-bind.js';
import type { SupervisorEvent } from './named-supervisor.js';
import { stopStaleNamed } from './stale-named.js';

export interface ManagedStartOptions {
  bind: BindConfig;
  dataDir: string;
  state: DnsStateSource;
  zoneLocks: KeyedMutex;
}

/**
 * Starts the managed named: writes named.conf and every zone from the database (`state`),
 * starts a supervised named on loopback, turns supervisor events into health alerts and reloads
 * done outside the app into bind_reload (trigger external) events. Returns it and its stop.
 */
export async function startManagedBind(
  app: FastifyInstance,
  options: ManagedStartOptions,
  binaries: BindBinaries,
  hooks: {
    startMessage?: string;
    /** The supervisor gave up restarting named (it stays down until something intervenes). */
    onGaveUp?: (reason: string) => void;
  } = {},
): Promise<{ managed: ManagedBind; stop: () => Promise<void> }> {
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
      hooks.onGaveUp?.(e.reason);
    }
  };
  const managed = createManagedBind({
    dataDir: path.join(options.dataDir, 'bind'),
    binaries: binaries,
    ports: {
      dns: options.bind.dnsPort,
      rndc: options.bind.rndcPort,
      stats: options.bind.statsPort,
    },
    initialState: options.state,
    onEvent,
    zoneLocks: options.zoneLocks,
  });
  const stale = await stopStaleNamed(managed.layout.pidFile, managed.layout.namedConf);
  if (stale !== null)
    app.log.warn({ pid: stale }, 'stopped a named left running by an earlier server process');
  const stopNamed = await managed.start();
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
      {
        zone: null,
        trigger: 'startup',
        success: true,
        message: hooks.startMessage ?? 'named started',
      },
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
  return {
    managed,
    stop: async () => {
      stopWatch();
      await stopNamed();
    },
  };
}
