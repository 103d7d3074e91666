import type { SecondaryState, ZoneSync } from '@hdns/protocol/rest';

/** What the watcher last saw of one secondary (monitors/secondary-monitor.ts writes it). */
export interface SecondaryReading {
  state: SecondaryState;
  laggingZones: string[];
  checkedAt: string | null;
  message: string | null;
}

/**
 * The replication watcher's latest readings, shared between the monitor that takes them and the
 * REST routes that serve them (GET /api/secondaries, GET /api/zones/:zone/sync). Plain maps:
 * the monitor replaces a whole reading at a time, readers get a copy.
 */
export class ReplicationReadings {
  private readonly zones = new Map<string, ZoneSync>();
  private readonly secondaries = new Map<string, SecondaryReading>();

  setZone(sync: ZoneSync): void {
    this.zones.set(sync.zone, sync);
  }

  zone(name: string): ZoneSync | null {
    const z = this.zones.get(name);
    return z ? structuredClone(z) : null;
  }

  /** Drops readings of zones and secondaries that are gone. */
  retain(zones: ReadonlySet<string>, secondaries: ReadonlySet<string>): void {
    for (const name of this.zones.keys()) if (!zones.has(name)) this.zones.delete(name);
    for (const id of this.secondaries.keys()) if (!secondaries.has(id)) this.secondaries.delete(id);
  }

  setSecondary(id: string, reading: SecondaryReading): void {
    this.secondaries.set(id, reading);
  }

  secondary(id: string): SecondaryReading | null {
    const r = this.secondaries.get(id);
    return r ? structuredClone(r) : null;
  }
}
