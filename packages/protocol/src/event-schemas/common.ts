/**
 * Building blocks shared by the event payload schemas. Objects use zod's default "strip" mode:
 * unknown keys are dropped on parse, so a newer server may add fields without breaking readers.
 */
import { z } from 'zod';
import { ROLES } from '../roles.js';

/** ISO 8601 instant with an offset (`Z` or `+02:00`). */
export const isoTime = z.iso.datetime({ offset: true });

/** Opaque identifier (uuid, numeric string, slug): never parsed for meaning. */
export const idString = z.string().min(1).max(64);

/** Domain name in presentation format, with or without the trailing dot. */
export const domainName = z.string().min(1).max(255);

/**
 * A client or server address. Kept a plain string (not `z.ipv4()`) because it is a redactable
 * field: readers below the allowed role receive the REDACTED marker in its place.
 */
export const ipAddress = z.string().min(1).max(64);

export const username = z.string().min(1).max(128);

export const count = z.number().int().nonnegative();

/** Free-form but bounded text (messages, titles, reasons). */
export const text = z.string().max(2000);

export const severity = z.enum(['info', 'warning', 'critical']);

export const healthState = z.enum(['healthy', 'degraded', 'down']);

/** Counters keyed by a DNS name such as a qtype or rcode (`{ A: 120, AAAA: 40 }`). */
export const counters = z.record(z.string().max(32), count);

export const zoneObject = z.object({
  name: domainName,
  type: z.enum(['primary', 'forward', 'secondary']),
  /** SOA serial; null for forward zones, which have no SOA of their own. */
  serial: z.number().int().nonnegative().nullable(),
  /** Forwarders of a forward zone; empty for primary zones. */
  forwarders: z.array(ipAddress).max(32),
  forwardPolicy: z.enum(['first', 'only']).nullable(),
  defaultTtl: z.number().int().nonnegative().nullable(),
  recordCount: count.optional(),
  description: text.nullable().optional(),
  /** Primary zones: the dnssec-policy signing the zone; null = unsigned. */
  dnssecPolicy: z.string().max(63).nullable().optional(),
  /** Secondary zones: where the zone is pulled from (`ip` or `ip#port`). */
  primaries: z.array(ipAddress).max(16).optional(),
  /** Secondary zones: the id of the TSIG key transfers use; null = none. */
  tsigKeyId: z.string().max(64).nullable().optional(),
  /** Optimistic-concurrency version: increases on every change. */
  version: z.number().int().nonnegative(),
});
export type ZoneObject = z.infer<typeof zoneObject>;

export const recordObject = z.object({
  id: idString,
  /** Owner name relative to the zone (`www`, `@`) or absolute with a trailing dot. */
  name: z.string().min(1).max(255),
  /** RR type mnemonic (A, AAAA, CNAME, MX, TXT, SRV, CAA, PTR, NS …). */
  type: z.string().regex(/^[A-Z][A-Z0-9]{0,9}$/),
  ttl: z.number().int().nonnegative(),
  /**
   * RDATA in zone-file presentation format, e.g. `10 mail.example.com.` for MX. Bounded above
   * what the API accepts: a TXT value of up to 4,000 characters, every `"` or `\` escaped to two,
   * inside quotes, is at most 8,002.
   */
  value: z.string().max(8192),
  version: z.number().int().nonnegative(),
});
export type RecordObject = z.infer<typeof recordObject>;

export const permissionSet = z.object({
  role: z.enum(ROLES),
  /** Zone grants; null means all zones. */
  zones: z.array(domainName).nullable(),
});
