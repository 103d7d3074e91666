/**
 * Notices reloads that did not come from this app (an admin's `rndc reload`, a restart, a
 * hand-edited zone reloaded): it polls a snapshot (e.g. the statistics channel's `config-time`
 * and per-zone serials) and reports each difference from the previous snapshot, except those
 * the `isExpected` predicate claims (the app's own writes; see ZoneWriter.appliedSerial and
 * lastReconfigAt). The first snapshot is only the baseline. A failed read is skipped
 * silently (BIND being down is the supervisor's and health monitor's news, not this one's).
 */

export interface ReloadSnapshot {
  /** Changes on every full reload or reconfig (stats channel `config-time`). */
  configTime: string | null;
  /** zone name → loaded serial */
  zones: Record<string, number | null>;
}

export type ReloadChange =
  | { kind: 'config'; before: string | null; after: string | null }
  | { kind: 'zone'; zone: string; before: number | null; after: number | null };

export interface ExternalReloadWatchOptions {
  read: () => Promise<ReloadSnapshot>;
  onChange: (change: ReloadChange) => void;
  isExpected?: (change: ReloadChange) => boolean;
  intervalMs?: number;
}

export function diffSnapshots(before: ReloadSnapshot, after: ReloadSnapshot): ReloadChange[] {
  const changes: ReloadChange[] = [];
  if (before.configTime !== after.configTime) {
    changes.push({ kind: 'config', before: before.configTime, after: after.configTime });
  }
  const names = new Set([...Object.keys(before.zones), ...Object.keys(after.zones)]);
  for (const zone of [...names].sort()) {
    const b = before.zones[zone] ?? null;
    const a = after.zones[zone] ?? null;
    if (b !== a) changes.push({ kind: 'zone', zone, before: b, after: a });
  }
  return changes;
}

/** Starts polling; returns stop (idempotent, clears the timer). */
export function watchExternalReloads(opts: ExternalReloadWatchOptions): () => void {
  let last: ReloadSnapshot | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const tick = async (): Promise<void> => {
    try {
      const next = await opts.read();
      if (stopped) return;
      if (last) {
        for (const change of diffSnapshots(last, next)) {
          if (!opts.isExpected?.(change)) opts.onChange(change);
        }
      }
      last = next;
    } catch {
      // Unreadable this time: keep the old baseline and try again.
    } finally {
      if (!stopped) timer = setTimeout(() => void tick(), opts.intervalMs ?? 5000);
    }
  };
  void tick();

  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
  };
}

/** A snapshot from the statistics channel: `config-time` plus every zone's loaded serial. */
export async function statsReloadSnapshot(stats: {
  server(): Promise<{ configTime: string | null }>;
  zones(): Promise<{ name: string; serial: number | null }[]>;
}): Promise<ReloadSnapshot> {
  const [server, zones] = await Promise.all([stats.server(), stats.zones()]);
  return {
    configTime: server.configTime,
    zones: Object.fromEntries(zones.map((z) => [z.name, z.serial])),
  };
}
