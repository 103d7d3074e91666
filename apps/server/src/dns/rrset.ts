import { AppError } from '../http/app-error.js';
import { canonicalIp } from '../lib/ip-text.js';
import { canonicalOwner, presentValue } from './record-input.js';
import { recordObject, type DnsRecord } from './zone-store.js';

/**
 * RFC 2181 §5: the records of one owner name, class and type form an RRset, which holds each
 * record once (§5) and has one TTL (§5.2). named enforces both as it loads a zone, silently:
 * a duplicate is served once, and a record whose TTL differs from its RRset's gets the TTL of the
 * first one it read ("TTL set to prior TTL"). So the database would show what named does not
 * serve; the record service refuses such writes instead (400 INVALID_RECORD, `details.conflict`
 * `duplicate_record` or `rrset_ttl`, `details.existing` the record in the way):
 *
 * - a record identical to another of the zone (same owner, class, type and data, compared as
 *   named compares them: names case-insensitive and absolute, IPv6 addresses canonical) is
 *   refused, whether created, imported or edited into one;
 * - a record joining an RRset (created, imported, or edited to another owner or type) must have
 *   the RRset's TTL;
 * - editing the TTL of a record that stays in its RRset sets that TTL on the whole RRset (each
 *   other record changed gets its own record_updated event, in the same transaction): that is
 *   how an RRset's TTL is changed.
 *
 * A record without a TTL (null) follows the zone's default TTL, and is compared as that value.
 * Only the records a write adds or changes are checked: records stored before this rule (which
 * may break it) never block unrelated changes, and editing or deleting them mends the RRset.
 */

/** Which rule a refused write broke (`details.conflict` of its INVALID_RECORD). */
export type RrsetConflict = 'duplicate_record' | 'rrset_ttl';

/** The RRset a record belongs to: canonical owner, class (always IN here) and type. */
export function rrsetKey(r: Pick<DnsRecord, 'name' | 'type'>, zone: string): string {
  return `${canonicalOwner(r.name, zone)} IN ${r.type}`;
}

/** `www.example.com A`: how messages name an RRset. */
function rrsetLabel(r: Pick<DnsRecord, 'name' | 'type'>, zone: string): string {
  return `${canonicalOwner(r.name, zone)} ${r.type}`;
}

/** A target name (CNAME, NS, PTR, MX, SRV) as named reads it: absolute, case-insensitive. */
function canonicalTarget(value: string, zone: string): string {
  const v = value.trim();
  return v === '.' ? '.' : `${canonicalOwner(v, zone)}.`;
}

/**
 * The record's data as named compares it: two records with the same key (and RRset) are the
 * same record. Text (TXT, CAA values) is compared exactly.
 */
export function rdataKey(
  r: Pick<DnsRecord, 'type' | 'value' | 'priority' | 'weight' | 'port' | 'flags' | 'tag'>,
  zone: string,
): string {
  switch (r.type) {
    case 'A':
      return r.value.trim();
    case 'AAAA':
      return canonicalIp(r.value);
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return canonicalTarget(r.value, zone);
    case 'MX':
      return `${r.priority ?? 0} ${canonicalTarget(r.value, zone)}`;
    case 'SRV':
      return `${r.priority ?? 0} ${r.weight ?? 0} ${r.port ?? 0} ${canonicalTarget(r.value, zone)}`;
    case 'CAA':
      return JSON.stringify([r.flags ?? 0, (r.tag ?? 'issue').toLowerCase(), r.value]);
    case 'TXT':
      return JSON.stringify(r.value);
    default:
      return JSON.stringify(r.value);
  }
}

/** The TTL named serves a record with: its own, else the zone's default. */
export function effectiveTtl(r: Pick<DnsRecord, 'ttl'>, defaultTtl: number): number {
  return r.ttl ?? defaultTtl;
}

function ttlText(r: Pick<DnsRecord, 'ttl'>, defaultTtl: number): string {
  return r.ttl === null ? `${defaultTtl} (the zone's default)` : String(r.ttl);
}

/**
 * A zone's records grouped by RRset, to check the records a write adds or changes against the
 * others (`others`: every record of the zone but the one being edited).
 */
export class RrsetIndex {
  private readonly sets = new Map<string, { record: DnsRecord; data: string }[]>();

  constructor(
    private readonly zone: string,
    private readonly defaultTtl: number,
    others: readonly DnsRecord[] = [],
  ) {
    for (const r of others) this.add(r);
  }

  add(r: DnsRecord): void {
    const key = rrsetKey(r, this.zone);
    const list = this.sets.get(key) ?? [];
    list.push({ record: r, data: rdataKey(r, this.zone) });
    this.sets.set(key, list);
  }

  /** The other records of `r`'s RRset. */
  rrsetOf(r: Pick<DnsRecord, 'name' | 'type'>): DnsRecord[] {
    return (this.sets.get(rrsetKey(r, this.zone)) ?? []).map((e) => e.record);
  }

  /** The record `r` would duplicate, if any. */
  duplicateOf(r: DnsRecord): DnsRecord | undefined {
    const data = rdataKey(r, this.zone);
    return this.sets.get(rrsetKey(r, this.zone))?.find((e) => e.data === data)?.record;
  }

  /** A record of `r`'s RRset whose TTL differs from `r`'s, if any. */
  ttlMismatchOf(r: DnsRecord): DnsRecord | undefined {
    const ttl = effectiveTtl(r, this.defaultTtl);
    return this.rrsetOf(r).find((o) => effectiveTtl(o, this.defaultTtl) !== ttl);
  }

  /** Refuses `r` when it duplicates a record of the index. */
  assertNotDuplicate(r: DnsRecord): void {
    const existing = this.duplicateOf(r);
    if (!existing) return;
    const what = `${rrsetLabel(r, this.zone)} ${presentValue(r)}`;
    throw conflictError(
      'duplicate_record',
      `${what} already exists (record ${existing.id}, TTL ${ttlText(existing, this.defaultTtl)}): ` +
        'an RRset holds each record once (RFC 2181 §5); edit or delete the existing record instead',
      existing,
      this.defaultTtl,
    );
  }

  /** Refuses `r` joining its RRset with another TTL than the RRset's. */
  assertRrsetTtl(r: DnsRecord): void {
    const other = this.ttlMismatchOf(r);
    if (!other) return;
    const label = rrsetLabel(r, this.zone);
    const ttl = effectiveTtl(other, this.defaultTtl);
    throw conflictError(
      'rrset_ttl',
      `the other records of ${label} have TTL ${ttlText(other, this.defaultTtl)} (e.g. ` +
        `${presentValue(other)}, record ${other.id}), this one ${ttlText(r, this.defaultTtl)}; ` +
        `an RRset has one TTL (RFC 2181 §5.2): use TTL ${ttl}, or edit the TTL of a record of ` +
        `${label} to change it for the whole RRset`,
      other,
      this.defaultTtl,
    );
  }
}

function conflictError(
  conflict: RrsetConflict,
  message: string,
  existing: DnsRecord,
  defaultTtl: number,
): AppError {
  return new AppError(
    'INVALID_RECORD',
    { conflict, existing: recordObject(existing, defaultTtl) },
    { message },
  );
}

/**
 * Changing a zone's default TTL moves the TTL of its records without one. When an RRset mixes
 * such records with records whose TTL is set (equal to the old default, so one TTL so far), the
 * new default splits it in two TTLs: returns why, for the first such RRset, or null.
 */
export function defaultTtlSplit(
  zone: string,
  records: readonly DnsRecord[],
  oldDefault: number,
  newDefault: number,
): string | null {
  if (oldDefault === newDefault) return null;
  const sets = new Map<string, DnsRecord[]>();
  for (const r of records) {
    const key = rrsetKey(r, zone);
    sets.set(key, [...(sets.get(key) ?? []), r]);
  }
  for (const list of sets.values()) {
    const before = new Set(list.map((r) => effectiveTtl(r, oldDefault)));
    const after = new Set(list.map((r) => effectiveTtl(r, newDefault)));
    const set = list.find((r) => r.ttl !== null);
    const follows = list.find((r) => r.ttl === null);
    if (before.size === 1 && after.size > 1 && set && follows) {
      return (
        `a default TTL of ${newDefault} would give ${rrsetLabel(set, zone)} two TTLs: ` +
        `${set.ttl} set on ${presentValue(set)}, the default on ${presentValue(follows)}; an ` +
        'RRset has one TTL (RFC 2181 §5.2): give its records the same TTL (or none) first'
      );
    }
  }
  return null;
}
