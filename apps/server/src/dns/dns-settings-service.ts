import { networkInterfaces } from 'node:os';
import type {
  DnsServerSettings,
  DnsSettingsUpdate,
  DnsSettingsView,
  DnssecPolicySpec,
} from '@hdns/protocol/rest';
import type { Identity } from '../auth/identity.js';
import { AppError } from '../http/app-error.js';
import { KeyedMutex } from '../lib/keyed-mutex.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Db } from '../storage/db.js';
import type { DnsBackend } from './dns-backend.js';
import { dnsEvent } from './dns-events.js';
import {
  lockedFields,
  readStoredDnsSettings,
  withEnv,
  type EnvDnsSettings,
  type StoredDnsSettings,
} from './dns-settings-store.js';
import { actorOf } from './zone-access.js';
import { stale } from './zone-service.js';

type Issue = { path: string; message: string };

/** Leaves of the settings as `a.b` paths → values, for locks and config_change events. */
function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

/** A leaf as text; absent (a policy added or removed) is `(none)`, like an empty list. */
function show(v: unknown): string {
  if (v === undefined) return '(none)';
  if (Array.isArray(v)) return v.join(', ') || '(none)';
  // Leaves are strings, numbers, booleans or null: JSON writes those as String would.
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A policy in one line, as a config_change value: `ecdsap256sha256, ksk P1Y + zsk P90D, nsec3`. */
function describePolicy(p: DnssecPolicySpec): string {
  const keys =
    p.keys.kind === 'csk'
      ? `csk ${p.keys.lifetime}`
      : `ksk ${p.keys.kskLifetime} + zsk ${p.keys.zskLifetime}`;
  return [
    p.algorithm,
    keys,
    p.nsec3 ? 'nsec3' : 'nsec',
    ...(p.signaturesValidity ? [`signatures ${p.signaturesValidity}`] : []),
  ].join(', ');
}

/**
 * The settings as `key → value` for config_change events: the network part leaf by leaf, each
 * custom policy as one `dnssecPolicies.<name>` entry (absent on one side: added or removed).
 */
function settingLeaves(s: DnsServerSettings): Map<string, unknown> {
  const { dnssecPolicies, ...network } = s;
  return new Map([
    ...leaves(network),
    ...dnssecPolicies.map((p): [string, unknown] => [
      `dnssecPolicies.${p.name}`,
      describePolicy(p),
    ]),
  ]);
}

function hostAddresses(): DnsSettingsView['hostAddresses'] {
  return Object.entries(networkInterfaces()).flatMap(([name, list]) =>
    (list ?? []).map((a) => ({
      interface: name,
      address: a.address,
      family: a.family === 'IPv6' ? ('ipv6' as const) : ('ipv4' as const),
    })),
  );
}

/**
 * The DNS service settings (how the managed named serves the network): read, and changed by
 * admins. A change goes as the global forwarders do: checked here (locked fields, addresses of
 * this host, privileged ports), then rendered into named.conf through the backend (named-checkconf,
 * reconfig; a refusal leaves BIND untouched), then stored with one config_change per changed
 * setting in one transaction; if storing fails, BIND is put back to the stored settings.
 */
export class DnsSettingsService {
  private readonly lock = new KeyedMutex();

  constructor(
    private readonly db: Db,
    private readonly backend: DnsBackend,
    private readonly outbox: Outbox,
    private readonly env: EnvDnsSettings,
  ) {}

  /** The settings named is configured with: stored, with the environment laid over. */
  async effective(): Promise<DnsServerSettings> {
    return withEnv((await readStoredDnsSettings(this.db)).settings, this.env);
  }

  async view(): Promise<DnsSettingsView> {
    return this.toView(await readStoredDnsSettings(this.db));
  }

  async update(identity: Identity, input: DnsSettingsUpdate): Promise<DnsSettingsView> {
    if (identity.role !== 'admin') throw new AppError('FORBIDDEN');
    const { version, dnssecPolicies, ...network } = input;
    return this.lock.run('dns-settings', async () => {
      const stored = await readStoredDnsSettings(this.db);
      if (stored.version !== version) throw stale(stored, await this.toView(stored));
      const next: DnsServerSettings = {
        ...network,
        dnssecPolicies: dnssecPolicies ?? stored.settings.dnssecPolicies,
      };
      const before = withEnv(stored.settings, this.env);
      this.check(before, next);
      await this.checkPoliciesInUse(before, next);
      const after = withEnv(next, this.env);
      const actor = actorOf(identity);
      const old = settingLeaves(before);
      const fresh = settingLeaves(after);
      const events = [...new Set([...old.keys(), ...fresh.keys()])]
        .filter((key) => show(old.get(key)) !== show(fresh.get(key)))
        .map((key) =>
          dnsEvent(
            'config_change',
            { scope: 'dns', key, before: show(old.get(key)), after: show(fresh.get(key)) },
            actor,
          ),
        );
      await this.backend.setServerSettings(after);
      const now = new Date().toISOString();
      try {
        await this.outbox.commit(events, async (trx) => {
          const row = { settings: JSON.stringify(next), version: version + 1, updated_at: now };
          const done = await trx
            .updateTable('dns_settings')
            .set(row)
            .where('id', '=', 1)
            .where('version', '=', version)
            .executeTakeFirst();
          if (Number(done.numUpdatedRows) === 0) {
            if (version !== 0) throw stale({ version: version + 1 });
            await trx
              .insertInto('dns_settings')
              .values({ id: 1, ...row })
              .execute();
          }
        });
      } catch (err) {
        // Best effort, as for forwarders: named.conf on disk is the stored version either way.
        await this.backend.setServerSettings(before, { restore: true }).catch(() => undefined);
        throw err;
      }
      return this.toView({ settings: next, version: version + 1, updatedAt: now });
    });
  }

  /**
   * A policy some zone signs with stays defined (named-checkconf would refuse the zone's
   * statement otherwise, with a message naming no zone). A zone change racing this check still
   * meets named-checkconf, which keeps BIND consistent either way.
   */
  private async checkPoliciesInUse(
    before: DnsServerSettings,
    next: DnsServerSettings,
  ): Promise<void> {
    const kept = new Set(next.dnssecPolicies.map((p) => p.name));
    const removed = before.dnssecPolicies.map((p) => p.name).filter((n) => !kept.has(n));
    if (removed.length === 0) return;
    const rows = await this.db
      .selectFrom('zones')
      .select(['name', 'dnssec_policy'])
      .where('dnssec_policy', 'in', removed)
      .orderBy('name')
      .execute();
    const usedBy = new Map<string, string[]>();
    for (const row of rows) {
      if (row.dnssec_policy === null) continue;
      usedBy.set(row.dnssec_policy, [...(usedBy.get(row.dnssec_policy) ?? []), row.name]);
    }
    if (usedBy.size === 0) return;
    const list = [...usedBy].map(([policy, zones]) => ({ policy, zones }));
    throw new AppError(
      'DNSSEC_POLICY_IN_USE',
      { usedBy: list },
      {
        message: list
          .map(
            (u) =>
              `dnssec-policy ${u.policy} is used by zone${u.zones.length > 1 ? 's' : ''} ${u.zones.join(', ')}`,
          )
          .join('; ')
          .concat(': sign them with another policy (or unsigned) first'),
      },
    );
  }

  /** Refuses what named would not do as asked, naming the field (VALIDATION_ERROR issues). */
  private check(before: DnsServerSettings, next: DnsServerSettings): void {
    const issues: Issue[] = [];
    const locked = lockedFields(this.env);
    const old = settingLeaves(before);
    for (const [key, value] of settingLeaves(next)) {
      const variable = locked[key];
      if (variable && show(old.get(key)) !== show(value))
        issues.push({ path: `/${key.replaceAll('.', '/')}`, message: `set by ${variable}` });
    }
    const own = new Set(hostAddresses().map((a) => a.address));
    for (const family of ['ipv4', 'ipv6'] as const) {
      next.listen[family].forEach((address, i) => {
        if (address !== 'any' && !own.has(address))
          issues.push({
            path: `/listen/${family}/${i}`,
            message: `${address} is not an address of this host`,
          });
      });
    }
    const listens = next.listen.ipv4.length + next.listen.ipv6.length > 0;
    if (listens && next.listen.port < 1024 && process.getuid?.() !== 0)
      issues.push({
        path: '/listen/port',
        message: `port ${next.listen.port} needs the server to run as root (named binds it before dropping privileges)`,
      });
    if (issues.length > 0)
      throw new AppError(
        'VALIDATION_ERROR',
        { issues: issues.map((i) => ({ ...i, keyword: 'dns_settings' })) },
        { message: issues.map((i) => `${i.path}: ${i.message}`).join('; ') },
      );
  }

  private async toView(stored: StoredDnsSettings): Promise<DnsSettingsView> {
    return Promise.resolve({
      settings: withEnv(stored.settings, this.env),
      version: stored.version,
      updatedAt: stored.updatedAt,
      locked: lockedFields(this.env),
      applies: this.backend.mode === 'managed',
      hostAddresses: hostAddresses(),
    });
  }
}
