import type { TsigAlgorithm } from '@hdns/protocol/rest';
import type { Db } from '../storage/db.js';
import type { SecondaryServersTable, TsigKeysTable } from '../storage/schema.js';
import type { ReplicationSpec } from './dns-specs.js';

/**
 * Rows of replication (migration 0009) and the spec named.conf is rendered from. The secret is
 * read only to render named.conf and in the answer that creates or rotates a key.
 */

export interface TsigKeyRow {
  id: string;
  name: string;
  algorithm: TsigAlgorithm;
  secret: string;
  version: number;
  createdAt: string;
  rotatedAt: string | null;
}

export interface SecondaryRow {
  id: string;
  name: string;
  address: string;
  port: number;
  tsigKeyId: string | null;
  enabled: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

function keyOf(r: TsigKeysTable): TsigKeyRow {
  return {
    id: r.id,
    name: r.name,
    algorithm: r.algorithm as TsigAlgorithm,
    secret: r.secret,
    version: r.version,
    createdAt: r.created_at,
    rotatedAt: r.rotated_at,
  };
}

function secondaryOf(r: SecondaryServersTable): SecondaryRow {
  return {
    id: r.id,
    name: r.name,
    address: r.address,
    port: r.port,
    tsigKeyId: r.tsig_key_id,
    enabled: r.enabled === 1,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function listTsigKeys(db: Db): Promise<TsigKeyRow[]> {
  return (await db.selectFrom('tsig_keys').selectAll().orderBy('name').execute()).map(keyOf);
}

export async function listSecondaries(db: Db): Promise<SecondaryRow[]> {
  return (await db.selectFrom('secondary_servers').selectAll().orderBy('created_at').execute()).map(
    secondaryOf,
  );
}

/** Zones of type secondary that transfer with a key: key id → zone names. */
export async function zonesByKey(db: Db): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('zones')
    .select(['name', 'tsig_key_id'])
    .where('tsig_key_id', 'is not', null)
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) {
    if (r.tsig_key_id === null) continue;
    out.set(r.tsig_key_id, [...(out.get(r.tsig_key_id) ?? []), r.name]);
  }
  return out;
}

export function insertTsigKey(db: Db, k: TsigKeyRow): Promise<unknown> {
  return db
    .insertInto('tsig_keys')
    .values({
      id: k.id,
      name: k.name,
      algorithm: k.algorithm,
      secret: k.secret,
      version: k.version,
      created_at: k.createdAt,
      rotated_at: k.rotatedAt,
    })
    .execute();
}

export function insertSecondary(db: Db, s: SecondaryRow): Promise<unknown> {
  return db
    .insertInto('secondary_servers')
    .values({
      id: s.id,
      name: s.name,
      address: s.address,
      port: s.port,
      tsig_key_id: s.tsigKeyId,
      enabled: s.enabled ? 1 : 0,
      version: s.version,
      created_at: s.createdAt,
      updated_at: s.updatedAt,
    })
    .execute();
}

/** What named.conf renders: every key, the enabled secondaries, the catalog zone. */
export function replicationSpecOf(
  keys: readonly TsigKeyRow[],
  secondaries: readonly SecondaryRow[],
  catalogZone: string | null,
): ReplicationSpec {
  const names = new Map(keys.map((k) => [k.id, k.name]));
  return {
    keys: keys.map((k) => ({ name: k.name, algorithm: k.algorithm, secret: k.secret })),
    // A secondary whose key is gone is left out, never downgraded to transfer by address.
    secondaries: secondaries
      .filter((s) => s.enabled && (s.tsigKeyId === null || names.has(s.tsigKeyId)))
      .map((s) => ({
        address: s.address,
        port: s.port,
        keyName: s.tsigKeyId === null ? null : (names.get(s.tsigKeyId) ?? null),
      })),
    catalogZone,
  };
}

export async function readReplicationSpec(
  db: Db,
  catalogZone: string | null,
): Promise<ReplicationSpec> {
  return replicationSpecOf(await listTsigKeys(db), await listSecondaries(db), catalogZone);
}
