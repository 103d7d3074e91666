import type { EventDataOf } from '@hdns/protocol';
import type { SecondaryState } from '@hdns/protocol/rest';
import type { ReplicationReadings } from '../dns/replication-readings.js';
import type { ProbeTarget } from './dns-probe.js';
import {
  publishSafely,
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import { runPeriodically } from './periodic.js';
import { ProbeLimiter } from './probe-limiter.js';
import { compareSerial } from './serial-compare.js';
import { SecondaryTracker, type SecondaryRound } from './secondary-tracker.js';
import { probeSoa, type SoaProbe, type SoaReading } from './soa-probe.js';

/**
 * Watches replication to the secondaries: every `intervalMs` it asks our named and every
 * enabled secondary for the SOA serial of every primary zone, classifies each secondary
 * (secondary-tracker.ts) and publishes:
 * - `secondary_status` when a secondary's state changes, the first reading included
 *   (unknown → in_sync), so the dashboard learns it; level info / warning (lagging) /
 *   critical (failing);
 * - `zone_sync` when a zone's serials or the per-secondary states change (the first round
 *   publishes every zone). `drift` is true while our named serves another serial than the
 *   database's (for a signed zone: an older one, since inline signing serves its own, higher
 *   serial) or any enabled secondary is lagging or failing for the zone.
 * `readings` gets every zone and secondary every round (the REST routes serve them).
 *
 * Cost per round: one probe per zone for our named, and per enabled secondary one probe first
 * (if it stays silent, the rest of that secondary's zones are skipped: a dead secondary costs one
 * timeout, not one per zone) and then one per remaining zone; at most `concurrency` at a time.
 * The lists are read every round, so edits apply without a restart.
 */

export interface ReplicationZone {
  name: string;
  /** The serial in the database (null: none yet). */
  dbSerial: number | null;
  /** Signed with inline signing: named serves its own serial, above the database's. */
  signed?: boolean;
}

export interface SecondaryTarget {
  id: string;
  name: string;
  address: string;
  port: number;
  enabled: boolean;
}

export interface SecondaryMonitorOptions {
  zones: () => Promise<ReplicationZone[]>;
  secondaries: () => Promise<SecondaryTarget[]>;
  /** Our named. */
  served: ProbeTarget;
  readings: ReplicationReadings;
  intervalMs?: number;
  /** How long a zone may differ on a secondary before it is lagging (default 60 s). */
  graceMs?: number;
  /** Rounds without any answer before a secondary is failing (default 3). */
  failAfter?: number;
  timeoutMs?: number;
  concurrency?: number;
  logger?: MonitorLogger;
  /**
   * A failing secondary answers again: NOTIFYs sent while it was down are lost, and a secondary
   * waits for its SOA refresh otherwise, so the caller re-notifies it (catalog and zones).
   */
  onBack?: (secondary: SecondaryTarget) => Promise<void>;
  /** Replaceable for tests; the default sends real SOA queries. */
  probe?: SoaProbe;
  now?: () => number;
}

export type SecondaryStatus = EventDataOf<'secondary_status'>;
export type ZoneSyncEvent = EventDataOf<'zone_sync'>;

const SOURCE = 'monitor:secondaries';
/** The catalogue's bounds on list lengths. */
const MAX_SECONDARIES_PER_ZONE = 64;
const MAX_LAGGING_NAMED = 100;

const LEVEL: Record<SecondaryState, SecondaryStatus['level']> = {
  in_sync: 'info',
  lagging: 'warning',
  failing: 'critical',
  unknown: 'info',
};

export function secondaryAddress(s: { address: string; port: number }): string {
  return `${s.address}#${s.port}`;
}

/** Our named's serial differs from the database's in a way that needs attention. */
export function servedDrifts(zone: ReplicationZone, served: number | null): boolean {
  if (zone.dbSerial === null) return false;
  if (served === null) return true;
  if (!zone.signed) return served !== zone.dbSerial;
  const order = compareSerial(served, zone.dbSerial);
  return order === -1 || order === null;
}

export class SecondaryMonitor {
  private readonly logger: MonitorLogger;
  private readonly limiter: ProbeLimiter;
  private readonly probe: SoaProbe;
  private readonly now: () => number;
  private readonly trackers = new Map<string, SecondaryTracker>();
  /** Zone → the last published zone_sync without its time, to publish only changes. */
  private readonly lastSync = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  private stop: Stop | null = null;

  constructor(
    private readonly hub: EventPublisher,
    private readonly opts: SecondaryMonitorOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.limiter = new ProbeLimiter(opts.concurrency ?? 16);
    this.probe = opts.probe ?? probeSoa;
    this.now = opts.now ?? Date.now;
  }

  /** Checks at once, then every interval, until the returned (idempotent) stop. */
  start(): Stop {
    if (this.stop) return this.stop;
    const stopTimer = runPeriodically(
      () => this.checkNow(),
      this.opts.intervalMs ?? 10_000,
      (err) => this.logger.warn({ err }, 'secondary check failed'),
      0,
    );
    let stopped: Promise<void> | null = null;
    this.stop = () => (stopped ??= stopTimer().then(() => this.chain));
    return this.stop;
  }

  /** One round (queued behind a round in progress, never overlapping one). */
  checkNow(): Promise<void> {
    const round = this.chain.then(() => this.round());
    this.chain = round.catch(() => undefined);
    return round;
  }

  private async round(): Promise<void> {
    const [zones, secondaries] = await Promise.all([this.opts.zones(), this.opts.secondaries()]);
    const names = zones.map((z) => z.name);
    const timeoutMs = this.opts.timeoutMs ?? 2000;
    const [servedReadings, rounds] = await Promise.all([
      Promise.all(names.map((n) => this.ask(this.opts.served, n, timeoutMs))),
      Promise.all(
        secondaries.map((s) =>
          s.enabled ? this.askSecondary(s, names, timeoutMs) : Promise.resolve(null),
        ),
      ),
    ]);
    const now = this.now();
    const checkedAt = new Date(now).toISOString();
    const served = new Map<string, number | null>();
    for (const [i, name] of names.entries()) {
      const r = servedReadings[i];
      served.set(name, r?.kind === 'serial' ? r.serial : null);
    }

    const seen = new Set(secondaries.map((s) => s.id));
    for (const id of [...this.trackers.keys()]) if (!seen.has(id)) this.trackers.delete(id);
    for (const [i, s] of secondaries.entries()) {
      let tracker = this.trackers.get(s.id);
      if (!tracker) {
        tracker = new SecondaryTracker({
          graceMs: this.opts.graceMs ?? 60_000,
          failAfter: this.opts.failAfter ?? 3,
        });
        this.trackers.set(s.id, tracker);
      }
      const round = rounds[i];
      const previous = round ? tracker.record(round, served, now) : tracker.disable();
      this.opts.readings.setSecondary(s.id, {
        state: tracker.state,
        laggingZones: tracker.laggingZones(),
        checkedAt,
        message: tracker.message,
      });
      if (previous !== null)
        await this.publishStatus(s, tracker, previous, names.length, checkedAt);
      if (previous === 'failing' && tracker.state !== 'failing' && this.opts.onBack) {
        // Not awaited: up to a thousand rndc calls must not hold the round (or stop) up.
        void this.opts
          .onBack(s)
          .catch((err: unknown) =>
            this.logger.warn(
              { secondary: s.name, err: err instanceof Error ? err.message : String(err) },
              'could not re-notify a secondary that is back',
            ),
          );
      }
    }

    for (const name of [...this.lastSync.keys()]) if (!served.has(name)) this.lastSync.delete(name);
    for (const zone of zones) {
      await this.publishSync(zone, served.get(zone.name) ?? null, secondaries, checkedAt);
    }
    this.opts.readings.retain(new Set(names), seen);
  }

  /** A probe that cannot throw (an injected one might). */
  private ask(target: ProbeTarget, zone: string, timeoutMs: number): Promise<SoaReading> {
    return this.limiter.run(() =>
      this.probe(target, zone, timeoutMs).catch((err: unknown): SoaReading => ({
        kind: 'silent',
        error: err instanceof Error ? err.message : String(err),
      })),
    );
  }

  private async askSecondary(
    s: SecondaryTarget,
    zones: readonly string[],
    timeoutMs: number,
  ): Promise<SecondaryRound> {
    const target = { address: s.address, port: s.port };
    const readings = new Map<string, SoaReading>();
    // With no zones, any answer for the root (even REFUSED) still tells it is up.
    const [first, ...rest] = zones.length > 0 ? zones : ['.'];
    const r0 = await this.ask(target, first!, timeoutMs);
    if (r0.kind === 'silent') return { readings, answered: false, error: r0.error };
    if (zones.length > 0) readings.set(first!, r0);
    const others = await Promise.all(rest.map((z) => this.ask(target, z, timeoutMs)));
    for (const [i, zone] of rest.entries()) readings.set(zone, others[i]!);
    return { readings, answered: true, error: null };
  }

  private async publishStatus(
    s: SecondaryTarget,
    tracker: SecondaryTracker,
    previous: SecondaryState,
    zoneCount: number,
    checkedAt: string,
  ): Promise<void> {
    const state = tracker.state;
    const lagging = tracker.laggingZones();
    const log = state === 'failing' || state === 'lagging' ? 'warn' : 'info';
    this.logger[log]({ secondary: s.name, from: previous, to: state }, 'secondary state changed');
    await publishSafely(
      this.hub,
      this.logger,
      'secondary_status',
      {
        secondaryId: s.id,
        name: s.name,
        address: secondaryAddress(s),
        state,
        previous,
        level: LEVEL[state],
        laggingZones: lagging.slice(0, MAX_LAGGING_NAMED),
        zoneCount,
        ...(tracker.message !== null ? { message: tracker.message } : {}),
        checkedAt,
      },
      { source: SOURCE, ...(state === 'failing' ? { priority: 'high' as const } : {}) },
    );
  }

  private async publishSync(
    zone: ReplicationZone,
    servedSerial: number | null,
    secondaries: readonly SecondaryTarget[],
    checkedAt: string,
  ): Promise<void> {
    const rows = secondaries.slice(0, MAX_SECONDARIES_PER_ZONE).map((s) => {
      const view = this.trackers.get(s.id)?.zoneView(zone.name) ?? {
        serial: null,
        state: 'unknown',
      };
      return { id: s.id, name: s.name, serial: view.serial, state: view.state };
    });
    const drift =
      servedDrifts(zone, servedSerial) ||
      rows.some((r) => r.state === 'lagging' || r.state === 'failing');
    const data: ZoneSyncEvent = {
      zone: zone.name,
      dbSerial: zone.dbSerial,
      servedSerial,
      secondaries: rows,
      drift,
      checkedAt,
    };
    this.opts.readings.setZone(data);
    const key = JSON.stringify([zone.dbSerial, servedSerial, rows, drift]);
    if (this.lastSync.get(zone.name) === key) return;
    // Remembered only once published, so a failed publish is retried next round.
    if (await publishSafely(this.hub, this.logger, 'zone_sync', data, { source: SOURCE })) {
      this.lastSync.set(zone.name, key);
    }
  }
}
