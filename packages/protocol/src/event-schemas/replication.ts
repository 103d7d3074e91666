/**
 * Replication to and from other servers: zone transfers seen in named's log, each zone's serials
 * (database, served, every secondary) and each secondary's state. `zone_sync` and
 * `secondary_status` are latest-value events (coalesced per zone, per secondary);
 * `zone_transfer` is a fact and is never coalesced.
 */
import { z } from 'zod';
import { count, domainName, idString, ipAddress, isoTime, severity, text } from './common.js';
import { defineEvent } from './spec.js';

/** How one secondary stands for one zone, or overall (the worst of its zones). */
export const SECONDARY_STATES = ['in_sync', 'lagging', 'failing', 'unknown'] as const;
export const secondaryState = z.enum(SECONDARY_STATES);

const serial = z.number().int().min(0).max(4_294_967_295);

export const REPLICATION_EVENTS = {
  zone_transfer: defineEvent({
    category: 'dns',
    priority: 'normal',
    minRole: 'viewer',
    sensitive: { peer: 'operator', key: 'operator' },
    verbatim: ['zone'],
    zoneScoped: true,
    description:
      "A zone transfer named logged: `out` to a secondary (AXFR/IXFR served, or refused), `in` from a primary (for secondary zones). `success: false` carries named's reason.",
    schema: z.object({
      zone: domainName,
      direction: z.enum(['out', 'in']),
      /** The other server, `ip#port`. */
      peer: ipAddress,
      kind: z.enum(['AXFR', 'IXFR', 'unknown']),
      success: z.boolean(),
      /** Serial transferred, when named logged it. */
      serial: serial.optional(),
      /** TSIG key name used, when one was. */
      key: z.string().max(255).optional(),
      message: text.optional(),
    }),
  }),
  zone_sync: defineEvent({
    category: 'dns',
    priority: 'low',
    minRole: 'viewer',
    sensitive: {},
    verbatim: ['zone', 'secondaries[].name'],
    coalesceBy: ['zone'],
    zoneScoped: true,
    description:
      "The serials of one zone changed: the one in the database, the one named serves and each secondary's. `drift` is true while any of them differ from the database's (past the grace period, for secondaries).",
    schema: z.object({
      zone: domainName,
      dbSerial: serial.nullable(),
      servedSerial: serial.nullable(),
      secondaries: z
        .array(
          z.object({
            id: idString,
            name: z.string().min(1).max(100),
            serial: serial.nullable(),
            state: secondaryState,
          }),
        )
        .max(64),
      drift: z.boolean(),
      checkedAt: isoTime,
    }),
  }),
  secondary_status: defineEvent({
    category: 'health',
    priority: 'normal',
    // Operators and admins: it names zones beyond a reader's grants (lagging ones), as the
    // secondaries list does, which viewers cannot read either.
    minRole: 'operator',
    sensitive: { address: 'operator' },
    verbatim: ['name', 'laggingZones[]'],
    coalesceBy: ['secondaryId'],
    zoneScoped: false,
    description:
      'A secondary server changed state: `in_sync` (every zone at our serial), `lagging` (a zone behind or missing past the grace period: warning), `failing` (no SOA answers: critical), `unknown` (not checked yet or disabled).',
    schema: z.object({
      secondaryId: idString,
      name: z.string().min(1).max(100),
      /** `ip#port`. */
      address: ipAddress,
      state: secondaryState,
      previous: secondaryState,
      level: severity,
      /** Zones behind our serial or not served there (at most 100 named). */
      laggingZones: z.array(domainName).max(100),
      zoneCount: count,
      message: text.optional(),
      checkedAt: isoTime,
    }),
  }),
} as const;
