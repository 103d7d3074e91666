import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/identity.js';
import { KeyedMutex } from '../bind/keyed-mutex.js';
import { nextSerial } from '../bind/serial.js';
import type { SoaSpec } from '../bind/bind-types.js';
import { AppError } from '../http/app-error.js';
import type { DnsBackend } from './dns-backend.js';
import type { Publish } from './dns-events.js';
import {
  actorOf,
  assertReadZone,
  assertWriteZone,
  canReadZone,
  canWriteZone,
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
}

export interface ZonePatch {
  version: number;
  defaultTtl?: number;
  soa?: SoaSpec | null;
  forwarders?: string[];
  forwardPolicy?: 'only' | 'first';
  description?: string | null;
}

export interface ZoneView extends Zone {
  recordCount: number;
}

/**
 * Zone lifecycle. Every change runs under the zone's lock: read, compute, apply to BIND (which
 * checks and confirms the serial), then store. A rejected check leaves database and BIND as they
 * were. Events follow with before/after, the actor and the reload.
 */
export class ZoneService {
  readonly locks = new KeyedMutex();

  constructor(
    private readonly store: ZoneStore,
    private readonly backend: DnsBackend,
    private readonly publish: Publish,
  ) {}

  async list(identity: Identity): Promise<ZoneView[]> {
    const [zones, counts] = await Promise.all([this.store.listZones(), this.store.recordCounts()]);
    return zones
      .filter((z) => canReadZone(identity, z.name))
      .map((z) => ({ ...z, recordCount: counts.get(z.id) ?? 0 }));
  }

  async get(identity: Identity, name: string): Promise<ZoneView> {
    const zone = await this.require(name);
    assertReadZone(identity, zone.name);
    return { ...zone, recordCount: (await this.store.records(zone)).length };
  }

  async require(name: string): Promise<Zone> {
    const zone = await this.store.findZone(name);
    if (!zone) throw new AppError('NOT_FOUND', { zone: name });
    return zone;
  }

  async create(identity: Identity, input: ZoneInput): Promise<ZoneView> {
    const name = input.name.toLowerCase().replace(/\.$/, '');
    if (!canWriteZone(identity, name)) throw new AppError('FORBIDDEN');
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
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      const applied = await this.backend.applyZone(zoneSpec(zone, serial ?? 0), []);
      await this.store.insertZone(zone);
      const actor = actorOf(identity);
      await this.publish(
        'zone_created',
        { zone: name, before: null, after: zoneObject(zone, 0) },
        { actor, source: 'api' },
      );
      await this.reloaded(name, applied.serial, applied.durationMs, actor);
      return { ...zone, recordCount: 0 };
    });
  }

  async update(identity: Identity, name: string, patch: ZonePatch): Promise<ZoneView> {
    const current = await this.require(name);
    assertWriteZone(identity, current.name);
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
        version: before.version + 1,
        updatedAt: new Date().toISOString(),
      };
      const applied = await this.apply(next, records);
      await this.store.updateZone(next);
      const actor = actorOf(identity);
      await this.publish(
        'zone_updated',
        {
          zone: next.name,
          before: zoneObject(before, records.length),
          after: zoneObject(next, records.length),
        },
        { actor, source: 'api' },
      );
      await this.reloaded(next.name, applied.serial, applied.durationMs, actor);
      return { ...next, recordCount: records.length };
    });
  }

  async remove(identity: Identity, name: string, version?: number): Promise<void> {
    const current = await this.require(name);
    assertWriteZone(identity, current.name);
    await this.locks.run(current.name, async () => {
      const before = await this.require(name);
      if (version !== undefined && before.version !== version) throw stale(before);
      const count = (await this.store.records(before)).length;
      await this.backend.removeZone(before.name);
      await this.store.deleteZone(before);
      const actor = actorOf(identity);
      await this.publish(
        'zone_deleted',
        { zone: before.name, before: zoneObject(before, count), after: null },
        { actor, source: 'api' },
      );
      if (this.backend.mode !== 'off') {
        await this.publish(
          'bind_reload',
          { zone: null, trigger: 'api', success: true, message: `zone ${before.name} removed` },
          { actor, source: 'api' },
        );
      }
    });
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

  async reloaded(
    zone: string,
    serial: number | null,
    durationMs: number,
    actor: { id: string; username: string },
  ): Promise<void> {
    if (this.backend.mode === 'off') return;
    await this.publish(
      'bind_reload',
      { zone, trigger: 'api', success: true, durationMs, ...(serial !== null ? { serial } : {}) },
      { actor, source: 'api' },
    );
  }
}

export function stale(current: { version: number }, resource?: unknown): AppError {
  return new AppError('STALE_VERSION', {
    currentVersion: current.version,
    ...(resource !== undefined ? { current: resource } : { current }),
  });
}
