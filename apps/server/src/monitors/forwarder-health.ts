import type { RecordType } from 'dns-packet';
import { probeDns, type ProbeResult } from './dns-probe.js';
import {
  DEFAULT_HEALTH_POLICY,
  ForwarderState,
  type HealthPolicy,
  type HealthState,
} from './forwarder-state.js';
import {
  publishSafely,
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import { runPeriodically } from './periodic.js';

/**
 * Probes every forwarder with a real DNS query each `intervalMs` (all in parallel, each with
 * its own `timeoutMs`), classifies it (forwarder-state.ts) and publishes:
 * - `forwarder_status_change` on every transition (including the first classification,
 *   `from: null`), with the reason;
 * - `health_alert` critical when one goes down, and `resolved: true` when it comes back
 *   (same alertId `forwarder-down:<id>`);
 * - `health_update` after every round: all forwarders plus the overall state (healthy when all
 *   are healthy or there are none, down when all are down, degraded otherwise).
 * The list comes from `forwarders()` each round, so edits apply without a restart; state of
 * removed forwarders is dropped.
 */

export interface ForwarderInfo {
  id: string;
  name: string;
  address: string;
  port: number;
}

export interface ForwarderHealthOptions {
  forwarders: () => Promise<ForwarderInfo[]>;
  intervalMs?: number;
  timeoutMs?: number;
  /** What to ask: default `. NS` (any recursive resolver answers it from cache). */
  probeName?: string;
  probeType?: RecordType;
  policy?: Partial<HealthPolicy>;
  logger?: MonitorLogger;
  /** Replaceable for tests of the classification; the default sends real queries. */
  probe?: (f: ForwarderInfo) => Promise<ProbeResult>;
}

const SOURCE = 'monitor:forwarders';

/** `ip` for port 53, else `ip#port` (named.conf's notation, as the catalogue documents). */
export function forwarderAddress(f: { address: string; port: number }): string {
  return f.port === 53 ? f.address : `${f.address}#${f.port}`;
}

export class ForwarderHealthMonitor {
  private readonly states = new Map<string, ForwarderState>();
  private readonly policy: HealthPolicy;
  private readonly logger: MonitorLogger;

  constructor(
    private readonly hub: EventPublisher,
    private readonly opts: ForwarderHealthOptions,
  ) {
    this.policy = { ...DEFAULT_HEALTH_POLICY, ...opts.policy };
    this.logger = opts.logger ?? silentLogger;
  }

  start(): Stop {
    return runPeriodically(
      () => this.checkAll(),
      this.opts.intervalMs ?? 10_000,
      (err) => this.logger.warn({ err }, 'forwarder health round failed'),
      0,
    );
  }

  /** One round: probe all, publish transitions, then the snapshot. */
  async checkAll(): Promise<void> {
    const list = await this.opts.forwarders();
    const seen = new Set(list.map((f) => f.id));
    for (const id of [...this.states.keys()]) if (!seen.has(id)) this.states.delete(id);
    const results = await Promise.all(list.map((f) => this.probe(f)));
    const at = new Date();
    for (const [i, f] of list.entries()) {
      const result = results[i];
      if (!result) continue;
      let state = this.states.get(f.id);
      if (!state) {
        state = new ForwarderState(this.policy);
        this.states.set(f.id, state);
      }
      const change = state.record(result, at);
      if (change) await this.publishTransition(f, state, change.from, change.to, change.reason);
    }
    await publishSafely(
      this.hub,
      this.logger,
      'health_update',
      {
        overall: overallOf(list.map((f) => this.states.get(f.id)?.status ?? 'down')),
        forwarders: list.map((f) => {
          const s = this.states.get(f.id);
          return {
            id: f.id,
            name: f.name,
            address: forwarderAddress(f),
            status: s?.status ?? 'down',
            latencyMs: s?.latencyMs ?? null,
            lastCheckedAt: s?.lastCheckedAt ?? null,
            consecutiveFailures: s?.consecutiveFailures ?? 0,
          };
        }),
        checkedAt: at.toISOString(),
      },
      { source: SOURCE },
    );
  }

  private probe(f: ForwarderInfo): Promise<ProbeResult> {
    if (this.opts.probe) return this.opts.probe(f);
    return probeDns(f, {
      name: this.opts.probeName ?? '.',
      type: this.opts.probeType ?? 'NS',
      timeoutMs: this.opts.timeoutMs ?? 2000,
    });
  }

  private async publishTransition(
    f: ForwarderInfo,
    state: ForwarderState,
    from: HealthState | null,
    to: HealthState,
    reason: string,
  ): Promise<void> {
    const address = forwarderAddress(f);
    this.logger.info({ forwarder: f.name, address, from, to, reason }, 'forwarder state changed');
    await publishSafely(
      this.hub,
      this.logger,
      'forwarder_status_change',
      {
        forwarderId: f.id,
        name: f.name,
        address,
        from,
        to,
        latencyMs: state.latencyMs,
        reason,
        consecutiveFailures: state.consecutiveFailures,
      },
      { source: SOURCE },
    );
    const alertId = `forwarder-down:${f.id}`;
    if (to === 'down') {
      await publishSafely(
        this.hub,
        this.logger,
        'health_alert',
        {
          alertId,
          severity: 'critical',
          source: 'forwarders',
          message: `Forwarder ${f.name} (${address}) is down: ${reason}`,
          metric: 'consecutive_failures',
          value: state.consecutiveFailures,
          threshold: this.policy.downAfter,
        },
        { source: SOURCE },
      );
    } else if (from === 'down') {
      await publishSafely(
        this.hub,
        this.logger,
        'health_alert',
        {
          alertId,
          severity: 'info',
          source: 'forwarders',
          message: `Forwarder ${f.name} (${address}) answers again (${to})`,
          resolved: true,
        },
        { source: SOURCE },
      );
    }
  }
}

export function overallOf(states: HealthState[]): HealthState {
  if (states.length === 0 || states.every((s) => s === 'healthy')) return 'healthy';
  if (states.every((s) => s === 'down')) return 'down';
  return 'degraded';
}
