import type { EventDataOf } from '@hdns/protocol';

/**
 * What the detectors over answered queries emit (query-detectors.ts): catalogue payloads, handed
 * to a callback so the detectors stay synchronous and testable; the caller publishes them.
 */

export type ThreatDetected = EventDataOf<'threat_detected'>;
export type HealthAlert = EventDataOf<'health_alert'>;
export type Detection = NonNullable<ThreatDetected['detection']>;

export type DetectorEvent =
  { type: 'threat_detected'; data: ThreatDetected } | { type: 'health_alert'; data: HealthAlert };

export type DetectorEmit = (event: DetectorEvent) => void;

/** Threat severity from a count: warning at the threshold, critical at `CRITICAL_FACTOR` times it. */
export const CRITICAL_FACTOR = 4;

/**
 * A detection as `threat_detected`. Nothing was rewritten, so the RPZ fields say so: `action`
 * `passthru`, `category` `custom`, and `rule` carries the human summary (free text).
 */
export function detectionThreat(args: {
  clientIp: string;
  qname: string;
  qtype: string;
  summary: string;
  detection: Detection;
  nowMs: number;
}): ThreatDetected {
  return {
    clientIp: args.clientIp,
    qname: args.qname === '' ? '.' : args.qname,
    qtype: args.qtype.slice(0, 16),
    action: 'passthru',
    rule: args.summary.slice(0, 512),
    category: 'custom',
    ts: new Date(args.nowMs).toISOString(),
    detection: args.detection,
  };
}
