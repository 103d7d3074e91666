import { randomUUID } from 'node:crypto';
import type { EventDataOf } from '@hdns/protocol';
import type { Identity } from '../auth/identity.js';
import type { RpzAction, RpzRuleSpec } from './dns-specs.js';
import { KeyedMutex } from '../lib/keyed-mutex.js';
import { AppError } from '../http/app-error.js';
import type { Db } from '../storage/db.js';
import type { RpzRulesTable } from '../storage/schema.js';
import type { ChunkCommit } from './bulk-jobs.js';
import type { DnsBackend } from './dns-backend.js';
import type { Outbox } from '../outbox/outbox.js';
import { dnsEvent } from './dns-events.js';
import { actorOf, assertPolicyAdmin } from './zone-access.js';
import { stale } from './zone-service.js';
import type { RpzCategory } from '@hdns/protocol/rest';

export interface RpzRule {
  id: string;
  /** The policed name; `*.example.com` also matches every subdomain. */
  domain: string;
  action: RpzAction;
  redirectTo: string | null;
  category: RpzCategory;
  enabled: boolean;
  comment: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface RpzRuleInput {
  domain: string;
  action: RpzAction;
  redirectTo?: string | null;
  category?: RpzCategory;
  enabled?: boolean;
  comment?: string | null;
}

function toRule(r: RpzRulesTable): RpzRule {
  return {
    id: r.id,
    domain: r.domain,
    action: r.action as RpzAction,
    redirectTo: r.redirect_to,
    category: r.category as RpzCategory,
    enabled: r.enabled === 1,
    comment: r.comment,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRow(r: RpzRule): RpzRulesTable {
  return {
    id: r.id,
    domain: r.domain,
    action: r.action,
    redirect_to: r.redirectTo,
    category: r.category,
    enabled: r.enabled ? 1 : 0,
    comment: r.comment,
    version: r.version,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export function ruleEventObject(r: RpzRule): NonNullable<EventDataOf<'rpz_update'>['after']> {
  return {
    id: r.id,
    domain: r.domain,
    action: r.action,
    redirectTo: r.redirectTo,
    category: r.category,
    enabled: r.enabled,
    comment: r.comment,
  };
}

function ruleSpec(r: RpzRule): RpzRuleSpec {
  return {
    name: r.domain,
    action: r.action,
    category: r.category,
    ...(r.redirectTo ? { redirectTo: r.redirectTo } : {}),
  };
}

export function normalizeRuleDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Response-policy rules. The RPZ zone is re-rendered from every enabled rule on each change,
 * checked and reloaded with a confirmed serial (min-update-interval 0, so blocks apply at once).
 */
export class RpzService {
  private readonly lock = new KeyedMutex();

  constructor(
    private readonly db: Db,
    private readonly backend: DnsBackend,
    private readonly outbox: Outbox,
  ) {}

  async list(): Promise<RpzRule[]> {
    return (await this.db.selectFrom('rpz_rules').selectAll().orderBy('domain').execute()).map(
      toRule,
    );
  }

  /** The category of the rule a BIND rpz log line names (by its domain), for threat events. */
  async categoryOf(ruleDomain: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('rpz_rules')
      .select('category')
      .where('domain', '=', normalizeRuleDomain(ruleDomain))
      .executeTakeFirst();
    return row?.category ?? null;
  }

  async create(identity: Identity, input: RpzRuleInput): Promise<RpzRule> {
    const [rule] = await this.createMany(identity, [input]);
    if (!rule) throw new AppError('INTERNAL');
    return rule;
  }

  /**
   * Adds rules in one zone change; duplicates of existing domains are a CONFLICT. With `job` (a
   * bulk import's chunk) the change is described by one `bulk` rpz_update and the job's progress
   * event, committed with the rules and the job's row (see ChunkCommit).
   */
  async createMany(
    identity: Identity,
    inputs: readonly RpzRuleInput[],
    options: { job?: ChunkCommit } = {},
  ): Promise<RpzRule[]> {
    assertPolicyAdmin(identity);
    return this.lock.run('rpz', async () => {
      // A job's chunk: its rights are checked under the lock, before BIND sees it (see ChunkCommit).
      await options.job?.check();
      const existing = await this.list();
      const taken = new Set(existing.map((r) => r.domain));
      const now = new Date().toISOString();
      const added = inputs.map((input): RpzRule => {
        const domain = normalizeRuleDomain(input.domain);
        if (taken.has(domain))
          throw new AppError('CONFLICT', { message: `a rule for ${domain} exists`, domain });
        taken.add(domain);
        return {
          id: randomUUID(),
          domain,
          action: input.action,
          redirectTo: input.action === 'redirect' ? (input.redirectTo ?? null) : null,
          category: input.category ?? 'custom',
          enabled: input.enabled ?? true,
          comment: input.comment ?? null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        };
      });
      const serial = await this.apply([...existing, ...added]);
      const actor = actorOf(identity);
      const job = options.job;
      const only = added.length === 1 && !job ? added[0] : undefined;
      await this.storeOrUndo(() =>
        this.outbox.commit(
          [
            only
              ? dnsEvent(
                  'rpz_update',
                  {
                    action: 'created',
                    ruleId: only.id,
                    before: null,
                    after: ruleEventObject(only),
                    rule: ruleEventObject(only),
                    ...(serial !== null ? { serial } : {}),
                  },
                  actor,
                )
              : dnsEvent(
                  'rpz_update',
                  { action: 'bulk', count: added.length, ...(serial !== null ? { serial } : {}) },
                  actor,
                ),
            ...(job?.events ?? []),
          ],
          async (trx) => {
            for (const r of added) await trx.insertInto('rpz_rules').values(toRow(r)).execute();
            await job?.write(trx);
          },
        ),
      );
      return added;
    });
  }

  async update(
    identity: Identity,
    id: string,
    input: Partial<RpzRuleInput> & { version: number },
  ): Promise<RpzRule> {
    assertPolicyAdmin(identity);
    return this.lock.run('rpz', async () => {
      const rules = await this.list();
      const before = rules.find((r) => r.id === id);
      if (!before) throw new AppError('NOT_FOUND', { rule: id });
      if (before.version !== input.version) throw stale(before, before);
      const action = input.action ?? before.action;
      const after: RpzRule = {
        ...before,
        ...(input.domain !== undefined ? { domain: normalizeRuleDomain(input.domain) } : {}),
        action,
        redirectTo: action === 'redirect' ? (input.redirectTo ?? before.redirectTo) : null,
        ...(input.category !== undefined ? { category: input.category } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        ...(input.comment !== undefined ? { comment: input.comment } : {}),
        version: before.version + 1,
        updatedAt: new Date().toISOString(),
      };
      if (rules.some((r) => r.id !== id && r.domain === after.domain))
        throw new AppError('CONFLICT', { message: `a rule for ${after.domain} exists` });
      const serial = await this.apply(rules.map((r) => (r.id === id ? after : r)));
      await this.storeOrUndo(() =>
        this.outbox.commit(
          [
            dnsEvent(
              'rpz_update',
              {
                action: 'updated',
                ruleId: id,
                before: ruleEventObject(before),
                after: ruleEventObject(after),
                rule: ruleEventObject(after),
                ...(serial !== null ? { serial } : {}),
              },
              actorOf(identity),
            ),
          ],
          (trx) => trx.updateTable('rpz_rules').set(toRow(after)).where('id', '=', id).execute(),
        ),
      );
      return after;
    });
  }

  async remove(identity: Identity, id: string): Promise<void> {
    assertPolicyAdmin(identity);
    await this.lock.run('rpz', async () => {
      const rules = await this.list();
      const before = rules.find((r) => r.id === id);
      if (!before) throw new AppError('NOT_FOUND', { rule: id });
      const serial = await this.apply(rules.filter((r) => r.id !== id));
      await this.storeOrUndo(() =>
        this.outbox.commit(
          [
            dnsEvent(
              'rpz_update',
              {
                action: 'deleted',
                ruleId: id,
                before: ruleEventObject(before),
                after: null,
                rule: null,
                ...(serial !== null ? { serial } : {}),
              },
              actorOf(identity),
            ),
          ],
          (trx) => trx.deleteFrom('rpz_rules').where('id', '=', id).execute(),
        ),
      );
    });
  }

  /**
   * The database step after BIND already serves the new rules. Should it fail (disk full), BIND
   * gets the rules the database holds again before the error goes on; a crash at this point is
   * healed by the start-up resync instead. Callers hold the lock.
   */
  private async storeOrUndo<T>(store: () => Promise<T>): Promise<T> {
    try {
      return await store();
    } catch (err) {
      // Best effort: if BIND cannot be put back either, the next start re-renders from the DB.
      await this.list()
        .then((rules) => this.backend.restoreRpz(rules.filter((r) => r.enabled).map(ruleSpec)))
        .catch(() => undefined);
      throw err;
    }
  }

  private async apply(rules: readonly RpzRule[]): Promise<number | null> {
    return (await this.backend.applyRpz(rules.filter((r) => r.enabled).map(ruleSpec))).serial;
  }
}
