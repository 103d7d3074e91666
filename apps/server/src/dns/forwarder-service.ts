import { randomUUID } from 'node:crypto';
import type { Identity } from '../auth/identity.js';
import type { ForwarderSpec } from './dns-specs.js';
import type { Db } from '../storage/db.js';
import type { ForwardersTable } from '../storage/schema.js';
import { AppError } from '../http/app-error.js';
import { KeyedMutex } from '../lib/keyed-mutex.js';
import type { DnsBackend } from './dns-backend.js';
import type { Outbox } from '../outbox/outbox.js';
import { dnsEvent } from './dns-events.js';
import { canonicalAddress, isOwnListener, type DnsListener } from './own-address.js';
import { actorOf } from './zone-access.js';
import { stale } from './zone-service.js';

export interface Forwarder {
  id: string;
  name: string;
  address: string;
  port: number;
  enabled: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ForwarderInput {
  name: string;
  address: string;
  port?: number;
  enabled?: boolean;
}

function toForwarder(r: ForwardersTable): Forwarder {
  return {
    id: r.id,
    name: r.name,
    address: r.address,
    port: r.port,
    enabled: r.enabled === 1,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * named has no limit, but a resolver with more is misconfigured; it also keeps config_change's
 * rendered list within the event schema (64 × `ipv6#port` < 4096 characters).
 */
export const MAX_FORWARDERS = 64;

const describe = (list: readonly Forwarder[]) =>
  list
    .filter((f) => f.enabled)
    .map((f) => (f.port === 53 ? f.address : `${f.address}#${f.port}`))
    .join(', ');

/**
 * Global forwarders (options { forwarders }). Conditional, per-domain forwarding is a forward
 * zone. Each change rewrites named.conf through the backend (checked, then reconfig) and emits
 * config_change; the health monitor reads the enabled list. BIND is applied first, then the
 * database; should the database refuse the change, BIND is put back to the stored list
 * (storeOrUndo), as for zones and RPZ rules.
 */
export class ForwarderService {
  private readonly lock = new KeyedMutex();

  constructor(
    private readonly db: Db,
    private readonly backend: DnsBackend,
    private readonly outbox: Outbox,
    /** Where our own named answers DNS (empty without a managed named). */
    private readonly ownListeners: () => Promise<readonly DnsListener[]> = () =>
      Promise.resolve([]),
  ) {}

  async list(): Promise<Forwarder[]> {
    return (await this.db.selectFrom('forwarders').selectAll().orderBy('created_at').execute()).map(
      toForwarder,
    );
  }

  async create(identity: Identity, input: ForwarderInput): Promise<Forwarder> {
    const now = new Date().toISOString();
    const f: Forwarder = {
      id: randomUUID(),
      name: input.name,
      address: input.address,
      port: input.port ?? 53,
      enabled: input.enabled ?? true,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.change(identity, (list) => [...list, f]);
    return f;
  }

  async update(
    identity: Identity,
    id: string,
    input: Partial<ForwarderInput> & { version: number },
  ): Promise<Forwarder> {
    let updated: Forwarder | undefined;
    await this.change(identity, (list) => {
      const index = list.findIndex((f) => f.id === id);
      const current = list[index];
      if (!current) throw new AppError('NOT_FOUND', { forwarder: id });
      if (current.version !== input.version) throw stale(current, current);
      updated = {
        ...current,
        ...input,
        version: current.version + 1,
        updatedAt: new Date().toISOString(),
      };
      return list.with(index, updated);
    });
    if (!updated) throw new AppError('INTERNAL');
    return updated;
  }

  async remove(identity: Identity, id: string): Promise<void> {
    await this.change(identity, (list) => {
      if (!list.some((f) => f.id === id)) throw new AppError('NOT_FOUND', { forwarder: id });
      return list.filter((f) => f.id !== id);
    });
  }

  /** Applies `edit` (which throws for a missing or stale forwarder) to BIND, then stores it. */
  private async change(
    identity: Identity,
    edit: (list: Forwarder[]) => Forwarder[],
  ): Promise<void> {
    if (identity.role !== 'admin') throw new AppError('FORBIDDEN');
    await this.lock.run('forwarders', async () => {
      const before = await this.list();
      const after = edit(before);
      if (after.length > MAX_FORWARDERS)
        throw new AppError('VALIDATION_ERROR', {
          message: `at most ${MAX_FORWARDERS} global forwarders`,
        });
      await this.assertSound(before, after);
      // Built (and validated) before BIND is touched: a change its event cannot describe is
      // refused with nothing applied.
      const actor = actorOf(identity);
      const events = [
        dnsEvent(
          'config_change',
          {
            scope: 'forwarders',
            key: 'forwarders',
            before: describe(before),
            after: describe(after),
          },
          actor,
        ),
        ...(this.backend.mode !== 'off'
          ? [
              dnsEvent(
                'bind_reload',
                { zone: null, trigger: 'api', success: true, message: 'forwarders changed' },
                actor,
              ),
            ]
          : []),
      ];
      await this.backend.setForwarders(enabledSpecs(after));
      // The list and its events in one transaction (outbox); BIND follows back if it fails.
      await this.storeOrUndo(before, () =>
        this.outbox.commit(events, async (trx) => {
          await trx.deleteFrom('forwarders').execute();
          for (const f of after) {
            await trx
              .insertInto('forwarders')
              .values({
                id: f.id,
                name: f.name,
                address: f.address,
                port: f.port,
                enabled: f.enabled ? 1 : 0,
                version: f.version,
                created_at: f.createdAt,
                updated_at: f.updatedAt,
              })
              .execute();
          }
        }),
      );
    });
  }

  /**
   * Refuses what named would accept but an admin never means: an enabled forwarder that is our
   * own named (every query it cannot answer goes round until the client gives up: one query
   * became ten log rows, each a 10 s SERVFAIL), and two forwarders of the same name (the
   * dashboard's health cards could not be told apart) or the same address and port. Only what
   * a change adds or edits is judged (a new forwarder; an edited one's changed name, address,
   * port, or its enabling), so a list stored before these rules can still be edited.
   */
  private async assertSound(before: readonly Forwarder[], after: readonly Forwarder[]) {
    const old = new Map(before.map((f) => [f.id, f]));
    const target = (f: Forwarder) => `${canonicalAddress(f.address)}#${f.port}`;
    const name = (f: Forwarder) => f.name.trim().toLowerCase();
    let listeners: readonly DnsListener[] | undefined;
    for (const f of after) {
      const was = old.get(f.id);
      if (was && was.version === f.version) continue;
      const moved = !was || target(was) !== target(f);
      if (f.enabled && (moved || !was.enabled)) {
        listeners ??= await this.ownListeners();
        if (isOwnListener(f.address, f.port, listeners)) {
          throw new AppError('VALIDATION_ERROR', {
            message: `${f.address}#${f.port} is this server's own named: forwarding to it would send every query it cannot answer back to itself`,
          });
        }
      }
      const renamed = !was || name(was) !== name(f);
      for (const other of after) {
        if (other.id === f.id) continue;
        if (renamed && name(other) === name(f)) {
          throw new AppError('CONFLICT', {
            message: `a forwarder named "${other.name}" already exists`,
            existing: other.id,
          });
        }
        if (moved && target(other) === target(f)) {
          throw new AppError('CONFLICT', {
            message: `forwarder "${other.name}" already uses ${f.address}#${f.port}`,
            existing: other.id,
          });
        }
      }
    }
  }

  /**
   * Runs `store`; when it fails (a full disk, a broken constraint) BIND is put back to `before`,
   * the list the database still holds, before the error is rethrown, so named never serves
   * forwarders the database lacks.
   */
  private async storeOrUndo(
    before: readonly Forwarder[],
    store: () => Promise<void>,
  ): Promise<void> {
    try {
      await store();
    } catch (err) {
      // Best effort: if BIND cannot be told either, named.conf on disk is the restored list
      // anyway (a restore is never rolled back), and the next named start loads it.
      await this.backend
        .setForwarders(enabledSpecs(before), { restore: true })
        .catch(() => undefined);
      throw err;
    }
  }
}

function enabledSpecs(list: readonly Forwarder[]): ForwarderSpec[] {
  return list.filter((f) => f.enabled).map((f) => ({ address: f.address, port: f.port }));
}
