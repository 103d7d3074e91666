import type { DnssecKey } from '@hdns/protocol/rest';
import type { EventDataOf } from '@hdns/protocol';
import {
  publishSafely,
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import { runPeriodically } from './periodic.js';

/**
 * Watches the keys of every signed zone: every `intervalMs` (default 30 s) reads
 * `rndc dnssec -status` (parsed, injected as `status`) for each zone `signedZones()` lists and
 * publishes `dnssec_key_change` for what moved since the previous reading:
 * - key_added / key_removed: a key tag appeared in / left the list;
 * - rollover_scheduled: a key got a `Next rollover scheduled on …` it did not have (or a new one);
 * - rollover_started: a key was retired (`Key is retired` / `removed from the zone`);
 * - state_changed: published / signing flags or a record state (goal, dnskey, ds, zone rrsig,
 *   key rrsig) moved; `states` carries each moved one as before/after.
 * The first reading after start is the baseline (no events: a restart is not a change); a zone
 * first seen later (signing just turned on) reports its keys as added. A zone that stops being
 * signed is forgotten silently (the zone_updated event says so). A zone whose status cannot be
 * read is skipped this round and keeps its last reading.
 */

export interface DnssecMonitorOptions {
  signedZones: () => Promise<{ name: string; policy: string }[]>;
  status: (zone: string) => Promise<{ policy: string | null; keys: DnssecKey[] }>;
  intervalMs?: number;
  logger?: MonitorLogger;
}

export type DnssecKeyChange = EventDataOf<'dnssec_key_change'>;

const SOURCE = 'monitor:dnssec';

function flagsOf(k: DnssecKey): Record<string, string> {
  return {
    ...k.states,
    published: k.published ? 'yes' : 'no',
    'key signing': k.keySigning ? 'yes' : 'no',
    'zone signing': k.zoneSigning ? 'yes' : 'no',
  };
}

/** The events between two readings of one zone (pure). */
export function diffKeys(
  zone: string,
  policy: string,
  before: readonly DnssecKey[],
  after: readonly DnssecKey[],
): DnssecKeyChange[] {
  const out: DnssecKeyChange[] = [];
  const base = (k: DnssecKey) => ({
    zone,
    policy,
    keyTag: k.tag,
    role: k.role,
    algorithm: k.algorithm.slice(0, 32),
  });
  const old = new Map(before.map((k) => [k.tag, k]));
  const now = new Map(after.map((k) => [k.tag, k]));
  for (const k of after) {
    const prev = old.get(k.tag);
    if (!prev) {
      out.push({ ...base(k), change: 'key_added', nextRollover: k.nextRollover });
      continue;
    }
    if (k.retired && !prev.retired) out.push({ ...base(k), change: 'rollover_started' });
    if (k.nextRollover !== null && k.nextRollover !== prev.nextRollover) {
      out.push({ ...base(k), change: 'rollover_scheduled', nextRollover: k.nextRollover });
    }
    const a = flagsOf(prev);
    const b = flagsOf(k);
    const states: NonNullable<DnssecKeyChange['states']> = {};
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (a[name] !== b[name]) states[name] = { before: a[name] ?? null, after: b[name] ?? null };
    }
    if (Object.keys(states).length > 0) out.push({ ...base(k), change: 'state_changed', states });
  }
  for (const k of before) {
    if (!now.has(k.tag)) out.push({ ...base(k), change: 'key_removed' });
  }
  return out;
}

export class DnssecMonitor {
  private readonly logger: MonitorLogger;
  private readings: Map<string, DnssecKey[]> | null = null;

  constructor(
    private readonly hub: EventPublisher,
    private readonly opts: DnssecMonitorOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** Polls until the returned stop runs (which clears the timer and awaits a poll in flight). */
  start(): Stop {
    return runPeriodically(
      () => this.check().then(() => undefined),
      this.opts.intervalMs ?? 30_000,
      (err) => this.logger.warn({ err }, 'dnssec status failed'),
      0,
    );
  }

  /** One round: reads every signed zone, publishes the differences, returns them. */
  async check(): Promise<DnssecKeyChange[]> {
    const baseline = this.readings === null;
    const previous = this.readings ?? new Map<string, DnssecKey[]>();
    const next = new Map<string, DnssecKey[]>();
    const changes: DnssecKeyChange[] = [];
    for (const { name, policy } of await this.opts.signedZones()) {
      let keys: DnssecKey[];
      try {
        const status = await this.opts.status(name);
        // Just signed (or unsigned) and named not there yet: no reading, not "every key gone".
        if (status.policy === null) throw new Error(`${name} has no dnssec-policy in named yet`);
        keys = status.keys;
      } catch (err) {
        this.logger.debug({ err, zone: name }, 'dnssec status of a zone failed');
        const last = previous.get(name);
        if (last) next.set(name, last);
        continue;
      }
      next.set(name, keys);
      if (!baseline) changes.push(...diffKeys(name, policy, previous.get(name) ?? [], keys));
    }
    this.readings = next;
    for (const data of changes) {
      await publishSafely(this.hub, this.logger, 'dnssec_key_change', data, { source: SOURCE });
    }
    return changes;
  }
}
