/**
 * The sentence for a detection (`threat_detected.detection`): a detector over the answered
 * queries saw a pattern; nothing was rewritten, so it must not read like an RPZ block.
 */
import type { EventDataOf } from '@hdns/protocol';
import { isRedacted } from '../format';

export type Detection = NonNullable<EventDataOf<'threat_detected'>['detection']>;

const ip = (v: string): string => (isRedacted(v) ? '(redacted)' : v);

/** `420/min`, `250 names/min`, or `420 in 30 s` for a window that is not a minute. */
export function detectionRate(d: Detection, unit = ''): string {
  return d.windowSec === 60 ? `${d.count}${unit}/min` : `${d.count}${unit} in ${d.windowSec} s`;
}

/** What the detector saw, without the client (the UI shows it apart, redacted per role). */
export function detectionTitle(d: Detection, qname: string): string {
  return d.kind === 'nxdomain_flood'
    ? 'NXDOMAIN flood'
    : `Random subdomains under ${d.baseDomain ?? qname}`;
}

export function describeDetection(
  data: Pick<EventDataOf<'threat_detected'>, 'clientIp' | 'qname'>,
  d: Detection,
): string {
  return d.kind === 'nxdomain_flood'
    ? `NXDOMAIN flood from ${ip(data.clientIp)}: ${detectionRate(d)} (threshold ${d.threshold})`
    : `${detectionTitle(d, data.qname)}: ${detectionRate(d, ' names')} (threshold ${d.threshold})`;
}
