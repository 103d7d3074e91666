import { randomBytes, randomUUID } from 'node:crypto';
import type { TsigAlgorithm } from '@hdns/protocol/rest';
import type { Identity } from '../auth/identity.js';
import { AppError } from '../http/app-error.js';
import { KeyedMutex } from '../lib/keyed-mutex.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Db } from '../storage/db.js';
import type { DnsBackend } from './dns-backend.js';
import { dnsEvent } from './dns-events.js';
import {
  insertSecondary,
  insertTsigKey,
  listSecondaries,
  listTsigKeys,
  replicationSpecOf,
  zonesByKey,
  type SecondaryRow,
  type TsigKeyRow,
} from './replication-store.js';
import { actorOf } from './zone-access.js';
import { stale } from './zone-service.js';

/** Secret bytes per algorithm: the digest size, as `tsig-keygen` makes them. */
const SECRET_BYTES: Record<TsigAlgorithm, number> = {
  'hmac-md5': 16,
  'hmac-sha1': 20,
  'hmac-sha224': 28,
  'hmac-sha256': 32,
  'hmac-sha384': 48,
  'hmac-sha512': 64,
};

/** named has no limit; more secondaries than this is not one primary's job. */
export const MAX_SECONDARIES = 64;
export const MAX_TSIG_KEYS = 256;

/** The `key` statement another server pastes into its named.conf. */
export function keyStatement(k: Pick<TsigKeyRow, 'name' | 'algorithm' | 'secret'>): string {
  return `key "${k.name}" {\n  algorithm ${k.algorithm};\n  secret "${k.secret}";\n};\n`;
}

interface Lists {
  keys: TsigKeyRow[];
  secondaries: SecondaryRow[];
}

/**
 * TSIG keys and the secondaries this server feeds. Each change renders named.conf through the
 * backend first (keys, NOTIFY, allow-transfer; checked, then reconfig), then stores the lists
 * with their `config_change` event (outbox); should the store fail, BIND is put back to the
 * stored lists, as for forwarders. Events never carry a secret: keys are described by name and
 * algorithm, and a rotation by its new version.
 */
export class ReplicationService {
  private readonly lock = new KeyedMutex();

  constructor(
    private readonly db: Db,
    private readonly backend: DnsBackend,
    private readonly outbox: Outbox,
    /** The catalog zone's name (HDNS_CATALOG_ZONE), or null when off. */
    readonly catalogZone: string | null,
    /** Key names named.conf already defines (the managed named's rndc key). */
    private readonly reservedKeyNames: readonly string[] = [],
  ) {}

  async lists(): Promise<Lists> {
    return { keys: await listTsigKeys(this.db), secondaries: await listSecondaries(this.db) };
  }

  /** Who uses each key: secondaries by name, secondary zones by `zone:<name>`. */
  async usage(): Promise<Map<string, string[]>> {
    const { secondaries } = await this.lists();
    const zones = await zonesByKey(this.db);
    const out = new Map<string, string[]>();
    for (const s of secondaries) {
      if (s.tsigKeyId !== null) out.set(s.tsigKeyId, [...(out.get(s.tsigKeyId) ?? []), s.name]);
    }
    for (const [id, names] of zones) {
      out.set(id, [...(out.get(id) ?? []), ...names.map((n) => `zone:${n}`)]);
    }
    return out;
  }

  async createKey(
    identity: Identity,
    input: { name: string; algorithm: TsigAlgorithm; secret?: string | undefined },
  ): Promise<TsigKeyRow> {
    const key: TsigKeyRow = {
      id: randomUUID(),
      name: input.name,
      algorithm: input.algorithm,
      secret: input.secret ?? randomBytes(SECRET_BYTES[input.algorithm]).toString('base64'),
      version: 1,
      createdAt: new Date().toISOString(),
      rotatedAt: null,
    };
    await this.change(identity, 'tsig-keys', (l) => {
      if (l.keys.some((k) => k.name === key.name) || this.reservedKeyNames.includes(key.name))
        throw new AppError('TSIG_KEY_NAME_TAKEN', { name: key.name });
      if (l.keys.length >= MAX_TSIG_KEYS)
        throw new AppError('VALIDATION_ERROR', { message: `at most ${MAX_TSIG_KEYS} TSIG keys` });
      return { ...l, keys: [...l.keys, key] };
    });
    return key;
  }

  /** A new secret (random, or the one given) for the key; everyone using it must get it too. */
  async rotateKey(
    identity: Identity,
    id: string,
    input: { version: number; secret?: string | undefined },
  ): Promise<TsigKeyRow> {
    let rotated: TsigKeyRow | undefined;
    await this.change(identity, 'tsig-keys', (l) => {
      const index = l.keys.findIndex((k) => k.id === id);
      const current = l.keys[index];
      if (!current) throw new AppError('NOT_FOUND', { tsigKey: id });
      if (current.version !== input.version) throw stale(current, withoutSecret(current));
      rotated = {
        ...current,
        secret: input.secret ?? randomBytes(SECRET_BYTES[current.algorithm]).toString('base64'),
        version: current.version + 1,
        rotatedAt: new Date().toISOString(),
      };
      return { ...l, keys: l.keys.with(index, rotated) };
    });
    if (!rotated) throw new AppError('INTERNAL');
    return rotated;
  }

  async deleteKey(identity: Identity, id: string): Promise<void> {
    await this.change(
      identity,
      'tsig-keys',
      (l) => {
        if (!l.keys.some((k) => k.id === id)) throw new AppError('NOT_FOUND', { tsigKey: id });
        return { ...l, keys: l.keys.filter((k) => k.id !== id) };
      },
      // Read under the lock, so no secondary takes the key up between check and delete.
      async () => {
        const usedBy = (await this.usage()).get(id) ?? [];
        if (usedBy.length > 0) throw new AppError('TSIG_KEY_IN_USE', { usedBy });
      },
    );
  }

  async createSecondary(
    identity: Identity,
    input: {
      name: string;
      address: string;
      port: number;
      tsigKeyId: string | null;
      enabled: boolean;
    },
  ): Promise<SecondaryRow> {
    const now = new Date().toISOString();
    const s: SecondaryRow = {
      id: randomUUID(),
      ...input,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.change(identity, 'secondaries', (l) => {
      if (l.secondaries.length >= MAX_SECONDARIES)
        throw new AppError('VALIDATION_ERROR', {
          message: `at most ${MAX_SECONDARIES} secondaries`,
        });
      knownKey(l, s.tsigKeyId);
      return { ...l, secondaries: [...l.secondaries, s] };
    });
    return s;
  }

  async updateSecondary(
    identity: Identity,
    id: string,
    input: Partial<Omit<SecondaryRow, 'id' | 'version' | 'createdAt' | 'updatedAt'>> & {
      version: number;
    },
  ): Promise<SecondaryRow> {
    let updated: SecondaryRow | undefined;
    await this.change(identity, 'secondaries', (l) => {
      const index = l.secondaries.findIndex((s) => s.id === id);
      const current = l.secondaries[index];
      if (!current) throw new AppError('NOT_FOUND', { secondary: id });
      if (current.version !== input.version) throw stale(current, current);
      updated = {
        ...current,
        ...input,
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
      };
      knownKey(l, updated.tsigKeyId);
      return { ...l, secondaries: l.secondaries.with(index, updated) };
    });
    if (!updated) throw new AppError('INTERNAL');
    return updated;
  }

  async deleteSecondary(identity: Identity, id: string): Promise<void> {
    await this.change(identity, 'secondaries', (l) => {
      if (!l.secondaries.some((s) => s.id === id))
        throw new AppError('NOT_FOUND', { secondary: id });
      return { ...l, secondaries: l.secondaries.filter((s) => s.id !== id) };
    });
  }

  /** Applies `edit` (which throws for a missing, stale or refused change) to BIND, then stores it. */
  private async change(
    identity: Identity,
    key: 'tsig-keys' | 'secondaries',
    edit: (lists: Lists) => Lists,
    check?: () => Promise<void>,
  ): Promise<void> {
    if (identity.role !== 'admin') throw new AppError('FORBIDDEN');
    await this.lock.run('replication', async () => {
      const before = await this.lists();
      await check?.();
      const after = edit(before);
      const actor = actorOf(identity);
      const describe = key === 'tsig-keys' ? describeKeys : describeSecondaries;
      const events = [
        dnsEvent(
          'config_change',
          { scope: 'replication', key, before: describe(before), after: describe(after) },
          actor,
        ),
        ...(this.backend.mode !== 'off'
          ? [
              dnsEvent(
                'bind_reload',
                { zone: null, trigger: 'api', success: true, message: `${key} changed` },
                actor,
              ),
            ]
          : []),
      ];
      await this.backend.setReplication(this.spec(after));
      try {
        await this.outbox.commit(events, async (trx) => {
          if (key === 'tsig-keys') {
            await trx.deleteFrom('tsig_keys').where('id', 'not in', ids(after.keys)).execute();
            for (const k of after.keys) {
              const old = before.keys.find((b) => b.id === k.id);
              if (!old) await insertTsigKey(trx, k);
              else if (old.version !== k.version)
                await trx
                  .updateTable('tsig_keys')
                  .set({ secret: k.secret, version: k.version, rotated_at: k.rotatedAt })
                  .where('id', '=', k.id)
                  .execute();
            }
          } else {
            await trx.deleteFrom('secondary_servers').execute();
            for (const s of after.secondaries) await insertSecondary(trx, s);
          }
        });
      } catch (err) {
        // named must not feed what the database lacks: back to the stored lists (a restore is
        // never rolled back; if BIND cannot be told, the next start renders the database).
        await this.backend
          .setReplication(this.spec(before), { restore: true })
          .catch(() => undefined);
        throw err;
      }
    });
  }

  private spec(l: Lists) {
    return replicationSpecOf(l.keys, l.secondaries, this.catalogZone);
  }
}

/** Kysely's `not in` needs at least one value; no id is empty. */
function ids(list: readonly { id: string }[]): string[] {
  return list.length > 0 ? list.map((x) => x.id) : [''];
}

function knownKey(l: Lists, id: string | null): void {
  if (id !== null && !l.keys.some((k) => k.id === id))
    throw new AppError('VALIDATION_ERROR', { field: 'tsigKeyId', message: `no TSIG key ${id}` });
}

export function withoutSecret(k: TsigKeyRow): Omit<TsigKeyRow, 'secret'> {
  const { secret: _secret, ...rest } = k;
  return rest;
}

/** config_change carries at most 4096 characters a side: long lists end in an ellipsis. */
function bounded(text: string): string {
  return text.length <= 4000 ? text : `${text.slice(0, 3990)} …`;
}

const describeKeys = (l: Lists): string =>
  bounded(l.keys.map((k) => `${k.name} (${k.algorithm}, v${k.version})`).join(', '));

const describeSecondaries = (l: Lists): string => {
  const names = new Map(l.keys.map((k) => [k.id, k.name]));
  return bounded(
    l.secondaries
      .map((s) => {
        const key = s.tsigKeyId ? ` key ${names.get(s.tsigKeyId) ?? s.tsigKeyId}` : '';
        return `${s.name} ${s.address}#${s.port}${key}${s.enabled ? '' : ' (disabled)'}`;
      })
      .join(', '),
  );
};
