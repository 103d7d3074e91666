import { randomUUID } from 'node:crypto';
import { THREAT_CATEGORIES, type EventDataOf } from '@hdns/protocol';
import { BurstDetector, type BurstOptions } from './burst-detector.js';
import { LogTailer } from './log-tailer.js';
import {
  publishSafely,
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import {
  DEFAULT_POLICY_ZONES,
  parseRpzLine,
  ruleCandidates,
  type ParsedRpzHit,
} from './rpz-log-parser.js';

/**
 * BIND's rpz log → `threat_detected` per hit, and `security_alert` for bursts from one client.
 *
 * - The category comes from the injected `categoryOf(rule, policyZone)` (the rules live in the
 *   database): the rule as logged first, then its wildcard parents (`*.bad.test` …), because
 *   BIND names the query name under the zone for wildcard matches. The policy zone that answered
 *   is passed too: a blocklist feed's zone has one category for all its names (the feed's).
 *   Unknown or unlisted categories → `custom`. Answers are cached per zone and rule for
 *   `categoryCacheMs` (rules change rarely; a stale category is harmless).
 * - Hits are published in log order; at most `maxEventsPerSec` threat_detected per second
 *   (a flood is summarised by the burst alert instead of thousands of events).
 * - Bursts: `burst.threshold` hits (default 20) in `burst.windowMs` (60 s) from one client →
 *   one security_alert (warning, priority high); `burst.criticalThreshold` (100) → critical
 *   (priority critical); then `burst.cooldownMs` (5 min) of silence per client.
 * - `disabled rpz …` lines (policy disabled: nothing was rewritten) are ignored.
 * - `onHit` sees every applied hit (the query stream counts them as `blocked`).
 */

export type CategoryLookup = (ruleName: string, policyZone?: string) => Promise<string | null>;
type ThreatCategory = (typeof THREAT_CATEGORIES)[number];

/** The `threat_detected` data for one applied hit; the fuzz suite checks it against the catalogue. */
export function threatPayload(
  hit: ParsedRpzHit,
  category: ThreatCategory,
): EventDataOf<'threat_detected'> {
  return {
    clientIp: hit.clientIp,
    qname: hit.qname,
    qtype: hit.qtype,
    action: hit.action,
    rule: hit.rule,
    category,
    ...(hit.policyZone !== undefined ? { policyZone: hit.policyZone } : {}),
    ts: hit.ts,
  };
}

export interface RpzStreamOptions {
  path: string;
  from?: 'end' | 'start' | number;
  pollIntervalMs?: number;
  policyZones?: string[];
  categoryOf?: CategoryLookup;
  categoryCacheMs?: number;
  maxEventsPerSec?: number;
  burst?: Partial<BurstOptions>;
  onHit?: (hit: ParsedRpzHit) => void;
  logger?: MonitorLogger;
  now?: () => number;
}

const SOURCE = 'monitor:rpz';
const MAX_PENDING = 1000;
const CATEGORY_CACHE_SIZE = 5000;

export const DEFAULT_BURST: BurstOptions = {
  threshold: 20,
  criticalThreshold: 100,
  windowMs: 60_000,
  cooldownMs: 300_000,
};

export class RpzStream {
  private readonly logger: MonitorLogger;
  private readonly now: () => number;
  private readonly bursts: BurstDetector;
  private readonly cache = new Map<string, { category: ThreatCategory; at: number }>();
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private sec = -1;
  private publishedThisSec = 0;
  readonly counters = { hits: 0, threats: 0, dropped: 0, alerts: 0 };

  constructor(
    private readonly hub: EventPublisher,
    private readonly opts: RpzStreamOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
    this.bursts = new BurstDetector({ ...DEFAULT_BURST, ...opts.burst, now: this.now });
  }

  start(): Stop {
    const tailer = new LogTailer({
      path: this.opts.path,
      onLine: (line) => this.handleLine(line),
      logger: this.logger,
      ...(this.opts.from !== undefined ? { from: this.opts.from } : {}),
      ...(this.opts.pollIntervalMs !== undefined
        ? { pollIntervalMs: this.opts.pollIntervalMs }
        : {}),
    });
    const stopTail = tailer.start();
    let stopped: Promise<void> | null = null;
    return () => (stopped ??= stopTail().then(() => this.chain));
  }

  handleLine(line: string): void {
    const hit = parseRpzLine(line, this.opts.policyZones ?? DEFAULT_POLICY_ZONES);
    if (hit === null || hit.disabled) return;
    this.counters.hits++;
    this.opts.onHit?.(hit);
    const burst = this.bursts.hit(hit.clientIp);
    if (burst) this.enqueue(() => this.publishBurst(hit, burst.severity, burst.count));
    if (!this.withinRate()) {
      this.counters.dropped++;
      return;
    }
    this.enqueue(() => this.publishThreat(hit));
  }

  /** Runs publishes one after another so events keep log order; bounded. */
  private enqueue(task: () => Promise<void>): void {
    if (this.pending >= MAX_PENDING) {
      this.counters.dropped++;
      return;
    }
    this.pending++;
    this.chain = this.chain
      .then(task)
      .catch((err: unknown) => this.logger.warn({ err }, 'rpz event failed'))
      .finally(() => this.pending--);
  }

  private withinRate(): boolean {
    const sec = Math.floor(this.now() / 1000);
    if (sec !== this.sec) {
      this.sec = sec;
      this.publishedThisSec = 0;
    }
    return this.publishedThisSec++ < (this.opts.maxEventsPerSec ?? 50);
  }

  private async publishThreat(hit: ParsedRpzHit): Promise<void> {
    const category = await this.categoryFor(hit.rule, hit.policyZone);
    const ok = await publishSafely(
      this.hub,
      this.logger,
      'threat_detected',
      threatPayload(hit, category),
      { source: SOURCE },
    );
    if (ok) this.counters.threats++;
  }

  private async publishBurst(hit: ParsedRpzHit, severity: 'warning' | 'critical', count: number) {
    const windowSec = Math.round((this.opts.burst?.windowMs ?? DEFAULT_BURST.windowMs) / 1000);
    const ok = await publishSafely(
      this.hub,
      this.logger,
      'security_alert',
      {
        alertId: randomUUID(),
        severity,
        title: 'Burst of blocked queries from one client',
        // The client is named by clientIp alone, which viewers receive redacted: the message
        // must not repeat it (the projection scrubs free text too, as a second line).
        message: `One client hit response-policy rules ${count} times in ${windowSec} s (last: ${hit.qname}, rule ${hit.rule})`,
        clientIp: hit.clientIp,
        source: 'rpz',
        count,
      },
      { source: SOURCE, priority: severity === 'critical' ? 'critical' : 'high' },
    );
    if (ok) this.counters.alerts++;
  }

  private async categoryFor(rule: string, policyZone?: string): Promise<ThreatCategory> {
    const lookup = this.opts.categoryOf;
    if (!lookup) return 'custom';
    const now = this.now();
    const key = policyZone === undefined ? rule : `${rule} ${policyZone}`;
    const cached = this.cache.get(key);
    if (cached && now - cached.at < (this.opts.categoryCacheMs ?? 60_000)) return cached.category;
    let category: ThreatCategory = 'custom';
    try {
      for (const candidate of ruleCandidates(rule)) {
        const found = await lookup(candidate, policyZone);
        if (found !== null) {
          category = asThreatCategory(found);
          break;
        }
      }
    } catch (err) {
      this.logger.warn({ err, rule }, 'rpz category lookup failed');
      return category; // not cached: the next hit asks again
    }
    if (this.cache.size >= CATEGORY_CACHE_SIZE) this.cache.clear();
    this.cache.set(key, { category, at: now });
    return category;
  }
}

function asThreatCategory(value: string): ThreatCategory {
  const v = value.toLowerCase();
  return (THREAT_CATEGORIES as readonly string[]).includes(v) ? (v as ThreatCategory) : 'custom';
}
