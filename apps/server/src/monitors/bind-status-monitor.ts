import type { EventDataOf } from '@hdns/protocol';
import type { RndcStatus } from '../bind/rndc-parsers.js';
import type { ServerStats } from '../bind/stats-channel.js';
import {
  publishSafely,
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import { runPeriodically } from './periodic.js';

/**
 * Every `intervalMs` (default 10 s) reads `rndc status` and the statistics channel's `server`
 * document (through the BIND adapter: BindTools.status() and StatsChannel.server(), injected as
 * plain functions) and publishes `bind_status`:
 * - running: either source answered (rndc says "server is up and running", or stats came back);
 * - version and uptime from the statistics channel (boot-time vs current-time), else rndc;
 * - qps from the delta of nsstats Requestv4 + Requestv6 between two readings (0 on the first
 *   reading and after a restart, detected by a new boot-time);
 * - rcodes (non-zero counters), RPZRewrites, zones loaded (rndc's "number of zones: N (M
 *   automatic)" minus the automatic empty zones), recursive clients.
 * When neither source answers, running is false and one critical `health_alert` (source
 * `bind`) is raised; it is resolved when named answers again.
 */

export interface BindStatusOptions {
  rndcStatus: () => Promise<RndcStatus>;
  serverStats: () => Promise<ServerStats>;
  /** True when this server supervises its own named (managed mode). */
  managed: boolean;
  /** Where the query facts come from now, and why (reported as querySource/querySourceReason). */
  querySource?: () => { source: 'dnstap' | 'querylog' | 'none'; reason: string };
  intervalMs?: number;
  logger?: MonitorLogger;
  now?: () => number;
}

export type BindStatus = EventDataOf<'bind_status'>;

const SOURCE = 'monitor:bind';
const ALERT_ID = 'bind:unreachable';

/** `103 (100 automatic)` → 3; `5` → 5; null when absent. */
export function configuredZones(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const m = /^(\d+)(?: \((\d+) automatic\))?/.exec(raw.trim());
  if (!m) return null;
  return Math.max(0, Number(m[1]) - Number(m[2] ?? 0));
}

export class BindStatusMonitor {
  private readonly logger: MonitorLogger;
  private readonly now: () => number;
  private last: { boot: string | null; requests: number; at: number } | null = null;
  private down = false;

  constructor(
    private readonly hub: EventPublisher,
    private readonly opts: BindStatusOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
  }

  start(): Stop {
    return runPeriodically(
      async () => {
        await this.check();
      },
      this.opts.intervalMs ?? 10_000,
      (err) => this.logger.warn({ err }, 'bind status failed'),
      0,
    );
  }

  async check(): Promise<BindStatus> {
    const [rndc, stats] = await Promise.allSettled([
      this.opts.rndcStatus(),
      this.opts.serverStats(),
    ]);
    const status = rndc.status === 'fulfilled' ? rndc.value : null;
    const server = stats.status === 'fulfilled' ? stats.value : null;
    const running = (status?.running ?? false) || server !== null;
    const data: BindStatus = {
      running,
      managed: this.opts.managed,
      version: (server?.version ?? status?.version ?? null)?.slice(0, 128) ?? null,
      uptimeSec: uptime(server, status, this.now()),
      qps: this.qps(server),
      rcodes: nonZero(server?.rcodes ?? {}),
      rpzRewrites: Math.max(0, Math.floor(server?.nsstats.RPZRewrites ?? 0)),
      zonesLoaded: configuredZones(status?.raw['number of zones']) ?? 0,
      ...(status?.recursiveClients != null ? { recursiveClients: status.recursiveClients } : {}),
    };
    const source = this.opts.querySource?.();
    if (source) {
      data.querySource = source.source;
      data.querySourceReason = source.reason.slice(0, 2000);
    }
    await publishSafely(this.hub, this.logger, 'bind_status', data, { source: SOURCE });
    await this.alertOnChange(running, rndc, stats);
    return data;
  }

  private qps(server: ServerStats | null): number {
    if (!server) {
      this.last = null;
      return 0;
    }
    const requests = (server.nsstats.Requestv4 ?? 0) + (server.nsstats.Requestv6 ?? 0);
    const at = parseTime(server.currentTime) ?? this.now();
    const prev = this.last;
    this.last = { boot: server.bootTime, requests, at };
    if (!prev || prev.boot !== server.bootTime || requests < prev.requests || at <= prev.at) {
      return 0;
    }
    return Math.round(((requests - prev.requests) / ((at - prev.at) / 1000)) * 100) / 100;
  }

  private async alertOnChange(
    running: boolean,
    rndc: PromiseSettledResult<unknown>,
    stats: PromiseSettledResult<unknown>,
  ): Promise<void> {
    if (!running && !this.down) {
      this.down = true;
      const why = [rndc, stats]
        .map((r) => (r.status === 'rejected' ? errorText(r.reason) : null))
        .filter((m): m is string => m !== null)
        .join('; ');
      this.logger.warn({ why }, 'named is not answering');
      await publishSafely(
        this.hub,
        this.logger,
        'health_alert',
        {
          alertId: ALERT_ID,
          severity: 'critical',
          source: 'bind',
          message:
            `named is not answering rndc or the statistics channel${why ? `: ${why}` : ''}`.slice(
              0,
              2000,
            ),
          metric: 'bind_running',
          value: 0,
        },
        { source: SOURCE },
      );
    } else if (running && this.down) {
      this.down = false;
      await publishSafely(
        this.hub,
        this.logger,
        'health_alert',
        {
          alertId: ALERT_ID,
          severity: 'info',
          source: 'bind',
          message: 'named answers again',
          metric: 'bind_running',
          value: 1,
          resolved: true,
        },
        { source: SOURCE },
      );
    }
  }
}

function uptime(server: ServerStats | null, status: RndcStatus | null, now: number): number | null {
  const boot = parseTime(server?.bootTime ?? null) ?? parseTime(status?.bootTime ?? null);
  if (boot === null) return null;
  const current = parseTime(server?.currentTime ?? null) ?? now;
  return Math.max(0, Math.floor((current - boot) / 1000));
}

function parseTime(value: string | null | undefined): number | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

function nonZero(counters: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counters)) {
    if (v > 0 && k.length <= 32 && Number.isInteger(v)) out[k] = v;
  }
  return out;
}

function errorText(reason: unknown): string {
  if (reason instanceof Error) {
    const details = (reason as { details?: { message?: unknown } }).details;
    return typeof details?.message === 'string' ? details.message : reason.message;
  }
  return String(reason);
}
