import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/identity.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import { nextSerial } from '../lib/serial.js';
import type { SoaSpec } from './dns-specs.js';
import { AppError } from '../http/app-error.js';
import type { DnsBackend } from './dns-backend.js';
import type { Outbox } from '../outbox/outbox.js';
import { dnsEvent, type DnsEvent } from './dns-events.js';
import { defaultTtlSplit } from './rrset.js';
import {
  actorOf,
  assertCreateZone,
  assertReadZone,
  assertWriteZone,
  canReadZone,
  elevatedZoneReason,
} from './zone-access.js';
import {
  recordSpec,
  zoneObject,
  zoneSpec,
  type DnsRecord,
  type Zone,
  type ZoneStore,
} from './zone-store.js';

export interface ZoneInput {
  name: string;
  type: 'primary' | 'forward' | 'secondary';
  defaultTtl?: number;
  soa?: SoaSpec;
  forwarders?: string[];
  forwardPolicy?: 'only' | 'first';
  description?: string | null;
  /** Primary zones: sign with this dnssec-policy; null/absent = unsigned. */
  dnssecPolicy?: string | null;
  /** Secondary zones: `ip` or `ip#port` to pull from (at least one). */
  primaries?: string[];
  /** Secondary zones: the TSIG key (tsig_keys.id) transfers use. */
  tsigKeyId?: string | null;
}

export interface ZonePatch {
  version: number;
  defaultTtl?: number;
  soa?: SoaSpec | null;
  forwarders?: string[];
  forwardPolicy?: 'only' | 'first';
  description?: string | null;
  /** Primary zones: a policy name signs the zone, null turns signing off. */
  dnssecPolicy?: string | null;
  /** Secondary zones. */
  primaries?: string[];
  tsigKeyId?: string | null;
}

export interface ZoneView extends Zone {
  recordCount: number;
  /** ZONE_NEEDS_ADMIN applies: see `view`. */
  needsAdmin: boolean;
}

/**
 * A zone as the REST API shows it. `needsAdmin` tells clients (the dashboard hides its edit
 * controls by it) that changing the zone or its records needs an admin or an operator granted
 * exactly this zone: the public-suffix rule lives here only, not in every client.
 */
function view(zone: Zone, recordCount: number): ZoneView {
  return { ...zone, recordCount, needsAdmin: elevatedZoneReason(zone.name, zone.type) !== null };
}

/**
 * Zone lifecycle. Every change runs under the zone's lock: read, compute, apply to BIND (which
 * checks and confirms the serial), then store. A rejected check leaves database and BIND as they
 * were. The store step writes the change and its events (before/after, the actor, the reload)
 * in one transaction through the outbox.
 */
export class ZoneService {
  constructor(
    private readonly store: ZoneStore,
    private readonly backend: DnsBackend,
    private readonly outbox: Outbox,
    /**
     * The per-zone locks, held while a zone is read, applied and stored; re-entrant, and shared
     * with the BIND writer (which takes them too), so each zone has exactly one lock.
     */
    readonly locks: KeyedMutex,
    /**
     * Names of the custom dnssec-policies the DNS settings define (dns-settings-store.ts): a
     * zone may sign with `default` or one of them.
     */
    private readonly customPolicies: () => Promise<readonly string[]> = () => Promise.resolve([]),
    /** The catalog zone's name (HDNS_CATALOG_ZONE): named serves it, no zone may take it. */
    private readonly catalogZone: string | null = null,
  ) {}

  /**
   * Refuses a policy BIND would not know, naming it (named-checkconf would otherwise refuse the
   * whole named.conf with a message about a line). A settings change racing this check still
   * meets named-checkconf.
   */
  private async assertPolicy(policy: string | null | undefined): Promise<void> {
    if (!policy || policy === 'default') return;
    const known = await this.customPolicies();
    if (known.includes(policy)) return;
    throw new AppError(
      'DNSSEC_POLICY_UNKNOWN',
      { policy, known: ['default', ...known] },
      {
        message: `dnssec-policy ${policy} is not defined: use default or a policy defined under Settings → DNSSEC policies (${['default', ...known].join(', ')})`,
      },
    );
  }

  /** A TSIG key's name by id (null: none); an id no key has is TSIG_KEY_UNKNOWN. */
  private async keyName(id: string | null): Promise<string | null> {
    if (id === null) return null;
    const name = await this.store.tsigKeyName(id);
    if (name === undefined) {
      throw new AppError(
        'TSIG_KEY_UNKNOWN',
        { tsigKeyId: id },
        { message: `TSIG key ${id} does not exist (see GET /api/tsig-keys)` },
      );
    }
    return name;
  }

  async list(identity: Identity): Promise<ZoneView[]> {
    const [zones, counts] = await Promise.all([this.store.listZones(), this.store.recordCounts()]);
    return zones
      .filter((z) => canReadZone(identity, z.name))
      .map((z) => view(z, counts.get(z.id) ?? 0));
  }

  async get(identity: Identity, name: string): Promise<ZoneView> {
    const zone = await this.require(name);
    assertReadZone(identity, zone.name);
    return view(zone, (await this.store.records(zone)).length);
  }

  async require(name: string): Promise<Zone> {
    const zone = await this.store.findZone(name);
    if (!zone) throw new AppError('NOT_FOUND', { zone: name });
    return zone;
  }

  async create(identity: Identity, input: ZoneInput): Promise<ZoneView> {
    const name = input.name.toLowerCase().replace(/\.$/, '');
    // Forward zones and zones at or above a public suffix need an admin or an explicit grant.
    assertCreateZone(identity, name, input.type);
    if (name === this.catalogZone)
      throw new AppError('VALIDATION_ERROR', {
        field: 'name',
        message: `${name} is the catalog zone (HDNS_CATALOG_ZONE)`,
      });
    if (input.type === 'secondary') assertSecondaryInput(input);
    if (input.type === 'forward' && !input.forwarders?.length) {
      throw new AppError('VALIDATION_ERROR', {
        message: 'a forward zone needs at least one forwarder',
      });
    }
    return this.locks.run(name, async () => {
      if (await this.store.findZone(name))
        throw new AppError('CONFLICT', { message: `zone ${name} already exists` });
      if (input.type === 'primary') await this.assertPolicy(input.dnssecPolicy);
      const tsigKeyName =
        input.type === 'secondary' ? await this.keyName(input.tsigKeyId ?? null) : null;
      const now = new Date().toISOString();
      const serial = input.type === 'primary' ? nextSerial(this.backend.appliedSerial(name)) : null;
      const zone: Zone = {
        id: randomUUID(),
        name,
        type: input.type,
        serial,
        defaultTtl: input.defaultTtl ?? 3600,
        soa: input.soa ?? null,
        forwarders: input.type === 'forward' ? (input.forwarders ?? []) : [],
        forwardPolicy: input.type === 'forward' ? (input.forwardPolicy ?? 'only') : null,
        description: input.description ?? null,
        dnssecPolicy: input.type === 'primary' ? (input.dnssecPolicy ?? null) : null,
        primaries: input.type === 'secondary' ? (input.primaries ?? []) : [],
        tsigKeyId: input.type === 'secondary' ? (input.tsigKeyId ?? null) : null,
        tsigKeyName,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      const applied = await this.backend.applyZone(zoneSpec(zone, serial ?? 0), []);
      const actor = actorOf(identity);
      // The zone row and its events in one transaction (outbox): both or neither.
      await this.storeOrUndo(name, () =>
        this.outbox.commit(
          [
            dnsEvent(
              'zone_created',
              { zone: name, before: null, after: zoneObject(zone, 0) },
              actor,
            ),
            ...this.reloadEvents(name, applied.serial, applied.durationMs, actor),
          ],
          (trx) => this.store.in(trx).insertZone(zone),
        ),
      );
      return view(zone, 0);
    });
  }

  async update(identity: Identity, name: string, patch: ZonePatch): Promise<ZoneView> {
    const current = await this.require(name);
    assertWriteZone(identity, current.name, current.type);
    return this.locks.run(current.name, async () => {
      const before = await this.require(name);
      if (before.version !== patch.version) throw stale(before);
      if (before.type === 'primary' && patch.dnssecPolicy !== before.dnssecPolicy)
        await this.assertPolicy(patch.dnssecPolicy);
      if (before.type === 'secondary' && patch.dnssecPolicy)
        throw readOnly(before.name, 'it is signed by its primary, not here');
      const key =
        before.type === 'secondary' && patch.tsigKeyId !== undefined
          ? { tsigKeyId: patch.tsigKeyId, tsigKeyName: await this.keyName(patch.tsigKeyId) }
          : {};
      const records = await this.store.records(before);
      const next: Zone = {
        ...before,
        ...(patch.defaultTtl !== undefined ? { defaultTtl: patch.defaultTtl } : {}),
        ...(patch.soa !== undefined ? { soa: patch.soa } : {}),
        ...(patch.forwarders !== undefined && before.type === 'forward'
          ? { forwarders: patch.forwarders }
          : {}),
        ...(patch.forwardPolicy !== undefined && before.type === 'forward'
          ? { forwardPolicy: patch.forwardPolicy }
          : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.primaries !== undefined && before.type === 'secondary'
          ? { primaries: patch.primaries }
          : {}),
        ...key,
        ...(patch.dnssecPolicy !== undefined && before.type === 'primary'
          ? { dnssecPolicy: patch.dnssecPolicy }
          : {}),
        version: before.version + 1,
        updatedAt: new Date().toISOString(),
      };
      // Records without a TTL follow the default: it must not split an RRset in two TTLs.
      const split = defaultTtlSplit(next.name, records, before.defaultTtl, next.defaultTtl);
      if (split)
        throw new AppError('INVALID_RECORD', { conflict: 'rrset_ttl' }, { message: split });
      const applied = await this.apply(next, records);
      const actor = actorOf(identity);
      await this.storeOrUndo(next.name, () =>
        this.outbox.commit(
          [
            dnsEvent(
              'zone_updated',
              {
                zone: next.name,
                before: zoneObject(before, records.length),
                after: zoneObject(next, records.length),
              },
              actor,
            ),
            ...this.reloadEvents(next.name, applied.serial, applied.durationMs, actor),
          ],
          (trx) => this.store.in(trx).updateZone(next),
        ),
      );
      return view(next, records.length);
    });
  }

  async remove(identity: Identity, name: string, version?: number): Promise<void> {
    const current = await this.require(name);
    assertWriteZone(identity, current.name, current.type);
    await this.locks.run(current.name, async () => {
      const before = await this.require(name);
      if (version !== undefined && before.version !== version) throw stale(before);
      const count = (await this.store.records(before)).length;
      await this.backend.removeZone(before.name);
      const actor = actorOf(identity);
      await this.storeOrUndo(before.name, () =>
        this.outbox.commit(
          [
            dnsEvent(
              'zone_deleted',
              { zone: before.name, before: zoneObject(before, count), after: null },
              actor,
            ),
            ...(this.backend.mode !== 'off'
              ? [
                  dnsEvent(
                    'bind_reload',
                    {
                      zone: null,
                      trigger: 'api',
                      success: true,
                      message: `zone ${before.name} removed`,
                    },
                    actor,
                  ),
                ]
              : []),
          ],
          (trx) => this.store.in(trx).deleteZone(before),
        ),
      );
    });
  }

  /**
   * The database step of a change BIND already serves. Should it fail (disk full, a constraint),
   * BIND is put back to what the database holds before the error goes on, so the two never
   * disagree; a crash at this very point is healed by the start-up resync (dns-state.ts)
   * instead. Callers hold the zone's lock.
   */
  async storeOrUndo<T>(zone: string, store: () => Promise<T>): Promise<T> {
    try {
      return await store();
    } catch (err) {
      // Best effort: if BIND cannot be put back either, the next start re-renders from the DB.
      await this.resync(zone).catch(() => undefined);
      throw err;
    }
  }

  /** Makes BIND serve exactly what the database holds for one zone (absent: removed). */
  private async resync(name: string): Promise<void> {
    const zone = await this.store.findZone(name);
    if (!zone) {
      await this.backend.removeZone(name);
      return;
    }
    const records = (await this.store.records(zone)).map(recordSpec);
    await this.backend.restoreZone(zoneSpec(zone, zone.serial ?? 0), records);
  }

  /**
   * Applies a zone with a fresh serial to BIND and returns the zone row to store. Callers hold the
   * zone's lock. Used by record changes too.
   */
  async apply(
    next: Zone,
    records: readonly DnsRecord[],
  ): Promise<{ serial: number | null; durationMs: number }> {
    if (next.type === 'primary') {
      next.serial = nextSerial(
        Math.max(next.serial ?? 0, this.backend.appliedSerial(next.name) ?? 0),
      );
    }
    return this.backend.applyZone(zoneSpec(next, next.serial ?? 0), records.map(recordSpec));
  }

  /** The bind_reload event of an API change BIND applied (none when BIND is off). */
  reloadEvents(
    zone: string,
    serial: number | null,
    durationMs: number,
    actor: { id: string; username: string },
  ): DnsEvent[] {
    if (this.backend.mode === 'off') return [];
    return [
      dnsEvent(
        'bind_reload',
        { zone, trigger: 'api', success: true, durationMs, ...(serial !== null ? { serial } : {}) },
        actor,
      ),
    ];
  }
}

/**
 * A secondary zone's data is its primary's: what would change it here (records, imports,
 * signing) is refused with 409 ZONE_READ_ONLY, a conflict with the zone's type rather than a
 * malformed request (the same request is fine on a primary zone).
 */
export function readOnly(zone: string, why = 'its data comes from its primaries'): AppError {
  return new AppError(
    'ZONE_READ_ONLY',
    { zone },
    { message: `${zone} is a secondary zone: ${why}` },
  );
}

/** Refuses record writes on zones that hold none here (forward, secondary). */
export function assertHoldsRecords(zone: { name: string; type: Zone['type'] }): void {
  if (zone.type === 'secondary') throw readOnly(zone.name);
  if (zone.type !== 'primary')
    throw new AppError('VALIDATION_ERROR', {
      message: `${zone.name} is a forward zone and holds no records`,
    });
}

function assertSecondaryInput(input: ZoneInput): void {
  if (!input.primaries?.length)
    throw new AppError('VALIDATION_ERROR', {
      message: 'a secondary zone needs at least one primary',
    });
  if (input.dnssecPolicy) throw readOnly(input.name, 'it is signed by its primary, not here');
}

export function stale(current: { version: number }, resource?: unknown): AppError {
  return new AppError('STALE_VERSION', {
    currentVersion: current.version,
    ...(resource !== undefined ? { current: resource } : { current }),
  });
}
