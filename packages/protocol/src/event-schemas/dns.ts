/**
 * Zone and record changes, and BIND reloads. Change events carry the full object before and
 * after the change (`before: null` on create, `after: null` on delete) so a reader can apply
 * them to a local copy without a refetch. The acting user travels in `meta.actor`, not in data.
 */
import { z } from 'zod';
import { count, domainName, idString, recordObject, text, zoneObject } from './common.js';
import { defineEvent } from './spec.js';

/** What a dnssec_key_change reports (a diff of two `rndc dnssec -status` readings). */
export const DNSSEC_KEY_CHANGES = [
  'key_added',
  'key_removed',
  'state_changed',
  'rollover_scheduled',
  'rollover_started',
] as const;

const zoneChange = { zone: domainName };
const recordChange = { zone: domainName, recordId: idString };

/**
 * Zone data every reader of these events also gets over REST: names, record values (an A
 * record's address is DNS data, not a person's), forwarder addresses and the zone description.
 */
function zoneVerbatim(...sides: ('before' | 'after')[]): string[] {
  return [
    'zone',
    ...sides.flatMap((side) => [
      `${side}.name`,
      `${side}.forwarders[]`,
      `${side}.description`,
      `${side}.dnssecPolicy`,
    ]),
  ];
}
function recordVerbatim(...sides: ('before' | 'after')[]): string[] {
  return ['zone', ...sides.flatMap((side) => [`${side}.name`, `${side}.value`])];
}

export const DNS_EVENTS = {
  zone_created: defineEvent({
    category: 'dns',
    priority: 'high',
    minRole: 'viewer',
    sensitive: {},
    verbatim: zoneVerbatim('after'),
    zoneScoped: true,
    description: 'A zone was created and written to BIND.',
    schema: z.object({ ...zoneChange, before: z.null(), after: zoneObject }),
  }),
  zone_updated: defineEvent({
    category: 'dns',
    priority: 'high',
    minRole: 'viewer',
    sensitive: {},
    verbatim: zoneVerbatim('before', 'after'),
    zoneScoped: true,
    description:
      'Zone settings changed (type, forwarders, TTL, description); `changed` names the fields.',
    schema: z.object({
      ...zoneChange,
      before: zoneObject,
      after: zoneObject,
      changed: z.array(z.string().max(64)).max(64).optional(),
    }),
  }),
  zone_deleted: defineEvent({
    category: 'dns',
    priority: 'high',
    minRole: 'viewer',
    sensitive: {},
    verbatim: zoneVerbatim('before'),
    zoneScoped: true,
    description: 'A zone and all its records were removed.',
    schema: z.object({ ...zoneChange, before: zoneObject, after: z.null() }),
  }),
  record_created: defineEvent({
    category: 'dns',
    priority: 'normal',
    minRole: 'viewer',
    sensitive: {},
    verbatim: recordVerbatim('after'),
    zoneScoped: true,
    description:
      'A resource record was added to a zone; `serial` is the zone serial after the change.',
    schema: z.object({
      ...recordChange,
      before: z.null(),
      after: recordObject,
      serial: z.number().int().nonnegative().optional(),
    }),
  }),
  record_updated: defineEvent({
    category: 'dns',
    priority: 'normal',
    minRole: 'viewer',
    sensitive: {},
    verbatim: recordVerbatim('before', 'after'),
    zoneScoped: true,
    description: 'A resource record changed (name, type, TTL or value).',
    schema: z.object({
      ...recordChange,
      before: recordObject,
      after: recordObject,
      serial: z.number().int().nonnegative().optional(),
    }),
  }),
  record_deleted: defineEvent({
    category: 'dns',
    priority: 'normal',
    minRole: 'viewer',
    sensitive: {},
    verbatim: recordVerbatim('before'),
    zoneScoped: true,
    description: 'A resource record was removed from a zone.',
    schema: z.object({
      ...recordChange,
      before: recordObject,
      after: z.null(),
      serial: z.number().int().nonnegative().optional(),
    }),
  }),
  bind_reload: defineEvent({
    category: 'dns',
    priority: 'normal',
    minRole: 'viewer',
    sensitive: {},
    verbatim: ['zone'],
    zoneScoped: true,
    description:
      'BIND reloaded one zone (`zone`) or its whole configuration (`zone: null`), after an API write, an outside `rndc reload`, or at startup.',
    schema: z.object({
      zone: domainName.nullable(),
      trigger: z.enum(['api', 'external', 'startup']),
      /** Serial BIND confirmed after the reload, when a single zone was reloaded. */
      serial: z.number().int().nonnegative().optional(),
      success: z.boolean(),
      message: text.optional(),
      durationMs: count.optional(),
    }),
  }),
  dnssec_key_change: defineEvent({
    category: 'dns',
    priority: 'normal',
    minRole: 'viewer',
    sensitive: {},
    verbatim: ['zone', 'policy'],
    zoneScoped: true,
    description:
      'A DNSSEC key of a signed zone changed, as `rndc dnssec -status` shows it: a key was added or removed, one of its states moved (`states`: before/after per state), or a rollover was scheduled or started.',
    schema: z.object({
      zone: domainName,
      policy: z.string().max(63),
      change: z.enum(DNSSEC_KEY_CHANGES),
      keyTag: z.number().int().min(0).max(65_535),
      role: z.enum(['ksk', 'zsk', 'csk']),
      algorithm: z.string().max(32),
      /** State name (goal, dnskey, ds, zone rrsig, key rrsig, published, signing) → before/after. */
      states: z
        .record(
          z.string().max(32),
          z.object({ before: z.string().max(32).nullable(), after: z.string().max(32).nullable() }),
        )
        .optional(),
      /** ISO time of the next scheduled rollover, when one is. */
      nextRollover: z.string().max(64).nullable().optional(),
    }),
  }),
} as const;
