import { dnsServerSettingsSchema, type DnsServerSettings } from '@hdns/protocol/rest';
import type { Db } from '../storage/db.js';

/**
 * Where the managed named's network settings come from: defaults, then the row the settings page
 * stored, then the environment (`HDNS_DNS_*`), which wins and locks its fields. Pure but for the
 * read; the service (dns-settings-service.ts) writes. The custom DNSSEC policies live in the same
 * row (no variable sets them: they are definitions, not a deployment choice).
 */

/** Loopback only, as before these settings existed; recursion and validation as BIND ships. */
export const DEFAULT_DNS_SETTINGS: DnsServerSettings = {
  listen: { port: 53, ipv4: [], ipv6: [] },
  allowQuery: ['localnets'],
  allowRecursion: ['localnets'],
  recursion: true,
  dnssecValidation: 'auto',
  forwardPolicy: 'only',
  rateLimit: {
    enabled: false,
    responsesPerSecond: 10,
    window: 5,
    slip: 2,
    logOnly: false,
    exemptClients: [],
  },
  dnssecPolicies: [],
};

/** The parsed `HDNS_DNS_*` values (config.dns; null: unset). */
export interface EnvDnsSettings {
  listen: readonly string[] | null;
  listenPort: number | null;
  allowQuery: readonly string[] | null;
  allowRecursion: readonly string[] | null;
  recursion: boolean | null;
  dnssecValidation: 'auto' | 'no' | null;
  rateLimit: number | null;
}

/** Field of DnsServerSettings → the variable that fixes it. */
export type LockedFields = Record<string, string>;

export function lockedFields(env: EnvDnsSettings): LockedFields {
  const locked: LockedFields = {};
  if (env.listen !== null) {
    locked['listen.ipv4'] = 'HDNS_DNS_LISTEN';
    locked['listen.ipv6'] = 'HDNS_DNS_LISTEN';
  }
  if (env.listenPort !== null) locked['listen.port'] = 'HDNS_DNS_LISTEN_PORT';
  if (env.allowQuery !== null) locked['allowQuery'] = 'HDNS_DNS_ALLOW_QUERY';
  if (env.allowRecursion !== null) locked['allowRecursion'] = 'HDNS_DNS_ALLOW_RECURSION';
  if (env.recursion !== null) locked['recursion'] = 'HDNS_DNS_RECURSION';
  if (env.dnssecValidation !== null) locked['dnssecValidation'] = 'HDNS_DNS_DNSSEC_VALIDATION';
  if (env.rateLimit !== null) {
    locked['rateLimit.enabled'] = 'HDNS_DNS_RATE_LIMIT';
    locked['rateLimit.responsesPerSecond'] = 'HDNS_DNS_RATE_LIMIT';
  }
  return locked;
}

/** `settings` with the environment's values laid over it. */
export function withEnv(settings: DnsServerSettings, env: EnvDnsSettings): DnsServerSettings {
  const split = (list: readonly string[]) => ({
    ipv4: list.flatMap((a) => (a === 'any' || !a.includes(':') ? [a] : [])),
    ipv6: list.flatMap((a) => (a === 'any' || a.includes(':') ? [a] : [])),
  });
  return {
    ...settings,
    listen: {
      ...(env.listen !== null ? split(env.listen) : settings.listen),
      port: env.listenPort ?? settings.listen.port,
    },
    allowQuery: env.allowQuery ? [...env.allowQuery] : settings.allowQuery,
    allowRecursion: env.allowRecursion ? [...env.allowRecursion] : settings.allowRecursion,
    recursion: env.recursion ?? settings.recursion,
    dnssecValidation: env.dnssecValidation ?? settings.dnssecValidation,
    rateLimit:
      env.rateLimit === null
        ? settings.rateLimit
        : {
            ...settings.rateLimit,
            enabled: env.rateLimit > 0,
            responsesPerSecond: Math.max(1, env.rateLimit),
          },
  };
}

export interface StoredDnsSettings {
  settings: DnsServerSettings;
  version: number;
  updatedAt: string | null;
}

/**
 * The stored row, or the defaults at version 0. A row that no longer parses (written by a newer
 * version, edited by hand) falls back field by field: each top-level field that fails takes
 * its default, so one bad value cannot take the DNS service down at start.
 */
export async function readStoredDnsSettings(db: Db): Promise<StoredDnsSettings> {
  const row = await db
    .selectFrom('dns_settings')
    .selectAll()
    .where('id', '=', 1)
    .executeTakeFirst();
  if (!row) return { settings: DEFAULT_DNS_SETTINGS, version: 0, updatedAt: null };
  return { settings: parseStored(row.settings), version: row.version, updatedAt: row.updated_at };
}

function parseStored(text: string): DnsServerSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return DEFAULT_DNS_SETTINGS;
  }
  const whole = dnsServerSettingsSchema.safeParse(raw);
  if (whole.success) return whole.data;
  const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const shape = dnsServerSettingsSchema.shape;
  const merged: Record<string, unknown> = { ...DEFAULT_DNS_SETTINGS };
  for (const key of Object.keys(shape) as (keyof typeof shape)[]) {
    const one = shape[key].safeParse(fields[key]);
    if (one.success) merged[key] = one.data;
  }
  return dnsServerSettingsSchema.parse(merged);
}

/** Names of the custom dnssec-policies the stored settings define (zones may sign with them). */
export async function customDnssecPolicyNames(db: Db): Promise<string[]> {
  return (await readStoredDnsSettings(db)).settings.dnssecPolicies.map((p) => p.name);
}
