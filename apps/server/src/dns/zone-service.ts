import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/identity.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import { nextSerial } from '../lib/serial.js';
import type { SoaSpec } from './dns-specs.js';
import { AppError } from '../http/app-error.js';
import type { DnsBackend } from './dns-backend.js';
import type { Outbox } from '../outbox/outbox.js';
import { dnsEvent, type DnsEvent } from './dns-events.js';
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
  type: 'primary' | 'forward';
  defaultTtl?: number;
  soa?: SoaSpec;
  forwarders?: string[];
  forwardPolicy?: 'only' | 'first';
  description?: string | null;
  /** Primary zones: sign with this dnssec-policy; null/absent = unsigned. */
  dnssecPolicy?: string | null;
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
  ) {}

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
    if (input.type === 'forward' && !input.forwarders?.length) {
      throw new AppError('VALIDATION_ERROR', {
        message: 'a forward zone needs at least one forwarder',
      });
    }
    return this.locks.run(name, async () => {
      if (await this.store.findZone(name))
        throw new AppError('CONFLICT', { message: `zone ${name} already exists` });
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
        ...(patch.dnssecPolicy !== undefined && before.type === 'primary'
          ? { dnssecPolicy: patch.dnssecPolicy }
          : {}),
        version: before.version + 1,
        updatedAt: new Date().toISOString(),
      };
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

export function stale(current: { version: number }, resource?: unknown): AppError {
  return new AppError('STALE_VERSION', {
    currentVersion: current.version,
    ...(resource !== undefined ? { current: resource } : { current }),
  });
}
