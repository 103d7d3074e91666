import type { SecondaryState } from '@hdns/protocol/rest';
import type { SoaReading } from './soa-probe.js';

/**
 * How one secondary stands, from its SOA answers round after round (pure; secondary-monitor.ts
 * probes and publishes). The reference for every zone is the serial our named serves, since
 * that is what a secondary transfers.
 *
 * - A zone is *behind* while the secondary's serial differs from ours or it does not serve the
 *   zone (REFUSED, NOTAUTH …). A secondary ahead of us counts too: it will never transfer our
 *   older copy. It turns *lagging* once it has been behind for `graceMs` (a NOTIFY and a
 *   transfer take a moment). A zone our named does not serve right now is not judged.
 * - `failing`: `failAfter` rounds in a row without any answer. Until then a silent round keeps
 *   the previous state (one lost packet is not an outage).
 * - `lagging`: answering, some zone lagging; `in_sync`: answering, none lagging.
 * - `unknown`: never heard from yet, or disabled (then nothing is probed and the zone readings
 *   are dropped).
 * A zone probe that alone stayed silent keeps that zone's previous reading.
 */

export interface TrackerPolicy {
  graceMs: number;
  failAfter: number;
}

/** What one round asked one secondary. */
export interface SecondaryRound {
  /** Zone → reading; zones not asked (the secondary was silent) are absent. */
  readings: ReadonlyMap<string, SoaReading>;
  /** False when no probe of the round got any answer. */
  answered: boolean;
  /** Why it was silent (the first probe's error). */
  error: string | null;
}

interface ZoneReading {
  serial: number | null;
  /** Since when (epoch ms) it has differed from our serial; null while equal or not judged. */
  behindSince: number | null;
  lagging: boolean;
}

export class SecondaryTracker {
  state: SecondaryState = 'unknown';
  silentRounds = 0;
  message: string | null = null;
  private readonly zones = new Map<string, ZoneReading>();

  constructor(private readonly policy: TrackerPolicy) {}

  /**
   * Folds one round in. `served`: our named's serial per zone (null: not served now), which is
   * also the list of zones that exist. Returns the previous state when the state changed.
   */
  record(
    round: SecondaryRound,
    served: ReadonlyMap<string, number | null>,
    now: number,
  ): SecondaryState | null {
    const previous = this.state;
    for (const zone of [...this.zones.keys()]) if (!served.has(zone)) this.zones.delete(zone);
    if (!round.answered) {
      this.silentRounds++;
      if (this.silentRounds >= this.policy.failAfter) {
        this.state = 'failing';
        this.message = `No SOA answer in ${this.silentRounds} rounds (${round.error ?? 'no answer'})`;
      }
      return this.state === previous ? null : previous;
    }
    this.silentRounds = 0;
    for (const [zone, ours] of served) {
      const reading = round.readings.get(zone);
      if (reading === undefined || reading.kind === 'silent') continue;
      this.zones.set(zone, this.judge(zone, reading, ours, now));
    }
    const lagging = this.laggingZones();
    this.state = lagging.length > 0 ? 'lagging' : 'in_sync';
    this.message = lagging.length > 0 ? this.lagMessage(lagging, served) : null;
    return this.state === previous ? null : previous;
  }

  /** Disabled: forget everything. Returns the previous state when it changed. */
  disable(): SecondaryState | null {
    const previous = this.state;
    this.state = 'unknown';
    this.silentRounds = 0;
    this.message = 'Disabled: not checked';
    this.zones.clear();
    return previous === 'unknown' ? null : previous;
  }

  /** What the zone_sync event shows for this secondary and zone. */
  zoneView(zone: string): { serial: number | null; state: SecondaryState } {
    const z = this.zones.get(zone);
    const serial = z?.serial ?? null;
    if (this.state === 'unknown' || this.state === 'failing') return { serial, state: this.state };
    if (z === undefined) return { serial, state: 'unknown' };
    return { serial, state: z.lagging ? 'lagging' : 'in_sync' };
  }

  /** Zones lagging past the grace period, sorted. */
  laggingZones(): string[] {
    return [...this.zones.entries()]
      .filter(([, z]) => z.lagging)
      .map(([name]) => name)
      .sort();
  }

  private judge(
    zone: string,
    reading: Exclude<SoaReading, { kind: 'silent' }>,
    ours: number | null,
    now: number,
  ): ZoneReading {
    const serial = reading.kind === 'serial' ? reading.serial : null;
    if (ours === null) return { serial, behindSince: null, lagging: false };
    if (serial === ours) return { serial, behindSince: null, lagging: false };
    const behindSince = this.zones.get(zone)?.behindSince ?? now;
    return { serial, behindSince, lagging: now - behindSince >= this.policy.graceMs };
  }

  private lagMessage(lagging: string[], served: ReadonlyMap<string, number | null>): string {
    const shown = lagging.slice(0, 5).map((zone) => {
      const theirs = this.zones.get(zone)?.serial ?? null;
      const ours = served.get(zone) ?? null;
      return theirs === null ? `${zone} (not served)` : `${zone} (${theirs}, ours ${ours})`;
    });
    const more = lagging.length > shown.length ? ` and ${lagging.length - shown.length} more` : '';
    const grace = Math.round(this.policy.graceMs / 1000);
    return `${lagging.length} zone(s) not at our serial for over ${grace} s: ${shown.join(', ')}${more}`;
  }
}
