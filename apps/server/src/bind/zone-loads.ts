import type { BindLayout } from './bind-layout.js';
import type { BindTools } from './bind-tools.js';
import { confirmLoadedSerial, reloadZoneFile } from './zone-reload.js';
import { normalizeZoneName } from './zone-text.js';

/**
 * What named loaded from the zone writer: `rndc reload` of one zone file, confirmation of the
 * serial it then serves, and the record of serials this writer confirmed or is writing right
 * now (so a watcher can tell the app's own reloads from somebody else's).
 *
 * Contract: `track(zone, serial, work)` marks the serial as in flight for exactly as long as
 * `work` runs; `confirm` remembers the serial only once named serves it.
 */
export class ZoneLoads {
  private readonly applied = new Map<string, number>();
  /** Serials being written right now: BIND may serve them before the write confirms them. */
  private readonly inflight = new Set<string>();

  constructor(
    private readonly tools: BindTools,
    private readonly layout: BindLayout,
    private readonly timing: { confirmTimeoutMs: number; pollIntervalMs: number },
  ) {}

  /** The last serial confirmed for a zone. */
  appliedSerial(zone: string): number | undefined {
    return this.applied.get(normalizeZoneName(zone));
  }

  /** True when `serial` of `zone` was confirmed here, or is being written. */
  owns(zone: string, serial: number | null): boolean {
    const name = normalizeZoneName(zone);
    return (
      serial !== null &&
      (this.applied.get(name) === serial || this.inflight.has(`${name} ${serial}`))
    );
  }

  async track<T>(zone: string, serial: number, work: () => Promise<T>): Promise<T> {
    const flight = `${zone} ${serial}`;
    this.inflight.add(flight);
    try {
      return await work();
    } finally {
      this.inflight.delete(flight);
    }
  }

  /** A removed zone: nothing it served is ours any more. */
  forget(zone: string): void {
    this.applied.delete(zone);
  }

  reload(zone: string): Promise<void> {
    return reloadZoneFile(this.tools, zone, this.layout.zoneFile(zone));
  }

  /**
   * Waits until named serves `serial` of `zone` (BIND_RELOAD_FAILED / BIND_UNAVAILABLE). For an
   * inline-signed zone this is the unsigned serial (zonestatus `serial:`, not `signed serial:`):
   * the signed one is named's own, and a file named refuses leaves the unsigned one unchanged.
   */
  async confirm(zone: string, serial: number): Promise<void> {
    await confirmLoadedSerial(this.tools, zone, serial, {
      timeoutMs: this.timing.confirmTimeoutMs,
      pollIntervalMs: this.timing.pollIntervalMs,
      logFile: this.layout.namedLog,
    });
    this.applied.set(zone, serial);
  }
}
