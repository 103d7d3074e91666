import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../http/app-error.js';
import type { FastifyInstance } from 'fastify';
import type { BindConfig } from '../config.js';
import type { DnsStateSource } from '../dns/dns-backend.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import type { BindBinaries } from './bind-binaries.js';
import { statsReloadSnapshot, watchExternalReloads } from './external-reload-watch.js';
import { createManagedBind, type ManagedBind } from './managed-bind.js';
import type { SupervisorEvent } from './named-supervisor.js';
import { chooseNamedUser, handOverToNamed, type NamedUserChoice } from './named-user.js';
import { stopStaleNamed } from './stale-named.js';
import { startQueryCapture, type QueryCapture } from '../queries/query-capture.js';
import type { QuerySourceSetting } from '../queries/query-source.js';
import { bindLayout } from './bind-layout.js';
import { RPZ_ZONE_NAME } from './rpz-zone-serializer.js';

/**
 * HDNS_BIND_USER resolved, and checked against the path to the data directory: with `auto`, a
 * directory above it that user cannot search keeps named as root (with a warning naming the
 * directory); a user named explicitly must be able to, or the start fails saying which one.
 */
async function namedUserFor(
  options: ManagedStartOptions,
  bindDir: string,
): Promise<NamedUserChoice> {
  const choice = chooseNamedUser(options.bind.user);
  if (choice.kind !== 'user') return choice;
  await mkdir(bindDir, { recursive: true });
  const blocked = await handOverToNamed(options.dataDir, bindDir, choice.user);
  if (blocked === null) return choice;
  const why = `user ${choice.user.name} cannot enter ${blocked} (chmod o+x ${blocked}, or move HDNS_DATA_DIR)`;
  if (options.bind.user !== 'auto')
    throw new AppError('BIND_UNAVAILABLE', undefined, { message: why });
  return { kind: 'root', reason: why };
}

export interface ManagedStartOptions {
  bind: BindConfig;
  dataDir: string;
  state: DnsStateSource;
  zoneLocks: KeyedMutex;
  /** HDNS_QUERY_SOURCE, HDNS_QUERY_LOG_WITH_DNSTAP and HDNS_DNSTAP_IDENTITY. */
  queries: { source: QuerySourceSetting; textLogWithDnstap: boolean; identity: string | undefined };
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
): Promise<{ managed: ManagedBind; capture: QueryCapture; stop: () => Promise<void> }> {
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
  const bindDir = path.join(options.dataDir, 'bind');
  const choice = await namedUserFor(options, bindDir);
  if (choice.kind !== 'user')
    app.log.warn(`named runs as root: ${choice.reason} (see HDNS_BIND_USER in the README)`);
  await mkdir(bindDir, { recursive: true });
  // Before named starts: named connects to the dnstap socket every 5 s, dropping frames meanwhile.
  const capture = await startQueryCapture({
    setting: options.queries.source,
    textLogWithDnstap: options.queries.textLogWithDnstap,
    ...(options.queries.identity !== undefined ? { identity: options.queries.identity } : {}),
    socketPath: bindLayout(bindDir).dnstapSocket,
    namedPath: binaries.named,
    rpzZones: () => [RPZ_ZONE_NAME],
    // Only named (its group) and this server may write query facts into the socket.
    ...(choice.kind === 'user'
      ? { socketMode: 0o660, socketGid: choice.user.gid }
      : { socketMode: 0o600 }),
    logger: app.log,
  });
  app.log.info(
    { querySource: capture.choice.source },
    `query facts from ${capture.choice.source}: ${capture.choice.reason}`,
  );
  // Whatever fails from here on, the dnstap listener (socket, timers) goes with it.
  const started = await launchNamed().catch(async (err: unknown) => {
    await capture.stop();
    throw err;
  });
  const { managed, stopNamed } = started;
  async function launchNamed(): Promise<{ managed: ManagedBind; stopNamed: () => Promise<void> }> {
    const managed = createManagedBind({
      dataDir: bindDir,
      queryLogging: { dnstap: capture.dnstap, textLog: capture.textLog },
      ...(choice.kind === 'user'
        ? {
            runAsUser: choice.user.name,
            beforeLaunch: async () => {
              await handOverToNamed(options.dataDir, bindDir, choice.user);
            },
          }
        : {}),
      binaries: binaries,
      ports: {
        dns: options.bind.dnsPort,
        rndc: options.bind.rndcPort,
        stats: options.bind.statsPort,
      },
      initialState: options.state,
      onEvent,
      zoneLocks: options.zoneLocks,
      onCatalogError: (err) =>
        app.log.error(
          { err: err instanceof Error ? err.message : String(err) },
          'catalog zone not brought up to date; retried at the next zone change',
        ),
    });
    const stale = await stopStaleNamed(managed.layout.pidFile, managed.layout.namedConf);
    if (stale !== null)
      app.log.warn({ pid: stale }, 'stopped a named left running by an earlier server process');
    return { managed, stopNamed: await managed.start() };
  }
  for (const skipped of managed.bootstrapResult?.skipped ?? []) {
    app.log.error({ zone: skipped.zone }, `zone left out of BIND at start: ${skipped.message}`);
  }
  app.log.info(
    {
      mode: 'managed',
      ports: managed.ports,
      user: choice.kind === 'user' ? choice.user.name : 'root',
    },
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
    capture,
    stop: async () => {
      stopWatch();
      await stopNamed();
      await capture.stop();
    },
  };
}
