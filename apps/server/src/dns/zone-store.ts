import { randomUUID } from 'node:crypto';
import type { RecordObject, ZoneObject } from '@hdns/protocol';
import type { RecordSpec, SoaSpec, ZoneSpec } from './dns-specs.js';
import type { Db } from '../storage/db.js';
import type { RecordsTable, ZonesTable } from '../storage/schema.js';
import type { RecordInput } from './record-input.js';
import { presentValue } from './record-input.js';

export interface Zone {
  id: string;
  name: string;
  type: 'primary' | 'forward' | 'secondary';
  /** Primary zones: the stored serial; secondary zones: null (the primary's is served). */
  serial: number | null;
  defaultTtl: number;
  soa: SoaSpec | null;
  forwarders: string[];
  forwardPolicy: 'only' | 'first' | null;
  description: string | null;
  /** Primary zones: the dnssec-policy signing it; null = unsigned. */
  dnssecPolicy: string | null;
  /** Secondary zones: where the zone is pulled from, `ip` or `ip#port`; else empty. */
  primaries: string[];
  /** Secondary zones: the TSIG key (tsig_keys.id) transfers use; null: none. */
  tsigKeyId: string | null;
  /** That key's name, read with the zone (named.conf names keys); null without a key. */
  tsigKeyName: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface DnsRecord {
  id: string;
  zone: string;
  name: string;
  type: RecordInput['type'];
  ttl: number | null;
  value: string;
  priority: number | null;
  weight: number | null;
  port: number | null;
  flags: number | null;
  tag: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

type ZoneRow = ZonesTable & { tsig_key_name: string | null };

function toZone(row: ZoneRow): Zone {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    serial: row.serial,
    defaultTtl: row.default_ttl,
    soa: row.soa ? (JSON.parse(row.soa) as SoaSpec) : null,
    forwarders: JSON.parse(row.forwarders) as string[],
    forwardPolicy: row.forward_policy,
    description: row.description,
    dnssecPolicy: row.dnssec_policy ?? null,
    primaries: row.primaries ? (JSON.parse(row.primaries) as string[]) : [],
    tsigKeyId: row.tsig_key_id ?? null,
    tsigKeyName: row.tsig_key_name ?? null,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRecord(row: RecordsTable, zone: string): DnsRecord {
  return {
    id: row.id,
    zone,
    name: row.name,
    type: row.type as DnsRecord['type'],
    ttl: row.ttl,
    value: row.value,
    priority: row.priority,
    weight: row.weight,
    port: row.port,
    flags: row.flags,
    tag: row.tag,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The zone as BIND gets it. */
export function zoneSpec(zone: Zone, serial: number): ZoneSpec {
  return {
    name: zone.name,
    type: zone.type,
    defaultTtl: zone.defaultTtl,
    serial,
    ...(zone.soa ? { soa: zone.soa } : {}),
    ...(zone.type === 'forward'
      ? { forwarders: zone.forwarders, forwardPolicy: zone.forwardPolicy ?? 'only' }
      : {}),
    ...(zone.type === 'primary' && zone.dnssecPolicy ? { dnssecPolicy: zone.dnssecPolicy } : {}),
    ...(zone.type === 'secondary'
      ? { primaries: zone.primaries, tsigKeyName: zone.tsigKeyName }
      : {}),
  };
}

export function recordSpec(
  r: Pick<
    DnsRecord,
    'name' | 'type' | 'ttl' | 'value' | 'priority' | 'weight' | 'port' | 'flags' | 'tag'
  >,
): RecordSpec {
  return {
    name: r.name,
    type: r.type,
    value: r.value,
    ...(r.ttl !== null ? { ttl: r.ttl } : {}),
    ...(r.priority !== null ? { priority: r.priority } : {}),
    ...(r.weight !== null ? { weight: r.weight } : {}),
    ...(r.port !== null ? { port: r.port } : {}),
    ...(r.flags !== null ? { flags: r.flags } : {}),
    ...(r.tag !== null ? { tag: r.tag } : {}),
  };
}

/** The catalogue's zone object (events carry it as before/after). */
export function zoneObject(zone: Zone, recordCount?: number): ZoneObject {
  return {
    name: zone.name,
    type: zone.type,
    serial: zone.type === 'primary' ? zone.serial : null,
    forwarders: zone.forwarders,
    forwardPolicy: zone.type === 'forward' ? (zone.forwardPolicy ?? 'only') : null,
    defaultTtl: zone.defaultTtl,
    description: zone.description,
    dnssecPolicy: zone.type === 'primary' ? zone.dnssecPolicy : null,
    ...(zone.type === 'secondary' ? { primaries: zone.primaries, tsigKeyId: zone.tsigKeyId } : {}),
    version: zone.version,
    ...(recordCount !== undefined ? { recordCount } : {}),
  };
}

export function recordObject(r: DnsRecord, zoneTtl: number): RecordObject {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    ttl: r.ttl ?? zoneTtl,
    value: presentValue(r),
    version: r.version,
  };
}

/** Builds a stored record from validated input (a new id and version 1 unless given). */
export function newRecord(
  zone: string,
  input: RecordInput,
  now: string,
  id: string = randomUUID(),
): DnsRecord {
  return {
    id,
    zone,
    name: input.name,
    type: input.type,
    ttl: input.ttl ?? null,
    value: input.value,
    priority: 'priority' in input ? input.priority : null,
    weight: 'weight' in input ? input.weight : null,
    port: 'port' in input ? input.port : null,
    flags: 'flags' in input ? input.flags : null,
    tag: 'tag' in input ? input.tag : null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** Zone and record rows. Plain reads and writes; the services decide what is allowed. */
export class ZoneStore {
  constructor(private readonly db: Db) {}

  /** The same store over a transaction (Outbox.commit's `trx`), so writes join it. */
  in(trx: Db): ZoneStore {
    return new ZoneStore(trx);
  }

  /** Zones with their TSIG key's name (secondary zones), which named.conf refers to. */
  private zones() {
    return this.db
      .selectFrom('zones')
      .leftJoin('tsig_keys', 'tsig_keys.id', 'zones.tsig_key_id')
      .selectAll('zones')
      .select('tsig_keys.name as tsig_key_name');
  }

  async listZones(): Promise<Zone[]> {
    return (await this.zones().orderBy('zones.name').execute()).map(toZone);
  }

  /** A TSIG key's name by id, or undefined (a secondary zone may name only existing keys). */
  async tsigKeyName(id: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('tsig_keys')
      .select('name')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.name;
  }

  async recordCounts(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('records')
      .select((eb) => ['zone_id', eb.fn.countAll<number>().as('n')])
      .groupBy('zone_id')
      .execute();
    return new Map(rows.map((r) => [r.zone_id, Number(r.n)]));
  }

  async findZone(name: string): Promise<Zone | undefined> {
    const row = await this.zones()
      .where('zones.name', '=', name.toLowerCase().replace(/\.$/, ''))
      .executeTakeFirst();
    return row ? toZone(row) : undefined;
  }

  async records(zone: Zone): Promise<DnsRecord[]> {
    const rows = await this.db
      .selectFrom('records')
      .selectAll()
      .where('zone_id', '=', zone.id)
      .orderBy('name')
      .orderBy('type')
      .execute();
    return rows.map((r) => toRecord(r, zone.name));
  }

  async insertZone(zone: Zone): Promise<void> {
    await this.db.insertInto('zones').values(zoneRow(zone)).execute();
  }

  async updateZone(zone: Zone): Promise<void> {
    await this.db.updateTable('zones').set(zoneRow(zone)).where('id', '=', zone.id).execute();
  }

  async deleteZone(zone: Zone): Promise<void> {
    await this.db.deleteFrom('zones').where('id', '=', zone.id).execute();
  }

  /**
   * Replaces a zone's serial/version and applies record inserts, updates and deletes at once:
   * in the caller's transaction when this store is over one (`in(trx)`), else in its own.
   */
  async saveZoneChange(
    zone: Zone,
    changes: { upsert?: readonly DnsRecord[]; remove?: readonly string[] },
  ): Promise<void> {
    if (!this.db.isTransaction) {
      await this.db.transaction().execute((trx) => this.in(trx).saveZoneChange(zone, changes));
      return;
    }
    const trx = this.db;
    await trx.updateTable('zones').set(zoneRow(zone)).where('id', '=', zone.id).execute();
    if (changes.remove?.length)
      await trx
        .deleteFrom('records')
        .where('id', 'in', [...changes.remove])
        .execute();
    for (const r of changes.upsert ?? []) {
      const row = recordRow(zone.id, r);
      await trx
        .insertInto('records')
        .values(row)
        .onConflict((oc) => oc.column('id').doUpdateSet({ ...row, created_at: r.createdAt }))
        .execute();
    }
  }
}

function zoneRow(z: Zone): ZonesTable {
  return {
    id: z.id,
    name: z.name,
    type: z.type,
    serial: z.serial,
    default_ttl: z.defaultTtl,
    soa: z.soa ? JSON.stringify(z.soa) : null,
    forwarders: JSON.stringify(z.forwarders),
    forward_policy: z.forwardPolicy,
    description: z.description,
    dnssec_policy: z.dnssecPolicy,
    primaries: z.type === 'secondary' ? JSON.stringify(z.primaries) : null,
    tsig_key_id: z.type === 'secondary' ? z.tsigKeyId : null,
    version: z.version,
    created_at: z.createdAt,
    updated_at: z.updatedAt,
  };
}

function recordRow(zoneId: string, r: DnsRecord): RecordsTable {
  return {
    id: r.id,
    zone_id: zoneId,
    name: r.name,
    type: r.type,
    ttl: r.ttl,
    value: r.value,
    priority: r.priority,
    weight: r.weight,
    port: r.port,
    flags: r.flags,
    tag: r.tag,
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}
