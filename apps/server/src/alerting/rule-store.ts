import { z } from 'zod';
import {
  alertEscalationSchema,
  alertMatchSchema,
  alertThresholdSchema,
  type AlertRule,
} from '@hdns/protocol/rest';
import type { Db } from '../storage/db.js';
import type { AlertRulesTable } from '../storage/schema.js';

/** What the `spec` JSON column holds. */
const specSchema = z.object({
  match: alertMatchSchema,
  threshold: alertThresholdSchema.nullable(),
  channelIds: z.array(z.string()),
  escalation: alertEscalationSchema.nullable(),
});

function fromRow(r: AlertRulesTable): AlertRule {
  const spec = specSchema.parse(JSON.parse(r.spec));
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled === 1,
    ...spec,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRow(rule: AlertRule): AlertRulesTable {
  const { match, threshold, channelIds, escalation } = rule;
  return {
    id: rule.id,
    name: rule.name,
    enabled: rule.enabled ? 1 : 0,
    spec: JSON.stringify({ match, threshold, channelIds, escalation }),
    created_at: rule.createdAt,
    updated_at: rule.updatedAt,
  };
}

/** Alert rules on SQLite and PostgreSQL alike. */
export class RuleStore {
  constructor(private readonly db: Db) {}

  async list(): Promise<AlertRule[]> {
    const rows = await this.db
      .selectFrom('alert_rules')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  async get(id: string): Promise<AlertRule | undefined> {
    const row = await this.db
      .selectFrom('alert_rules')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async insert(rule: AlertRule): Promise<void> {
    await this.db.insertInto('alert_rules').values(toRow(rule)).execute();
  }

  async update(rule: AlertRule): Promise<void> {
    const { id, ...row } = toRow(rule);
    await this.db.updateTable('alert_rules').set(row).where('id', '=', id).execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('alert_rules').where('id', '=', id).execute();
  }
}
