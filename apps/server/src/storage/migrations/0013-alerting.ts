import type { Kysely, Migration } from 'kysely';

/**
 * Alerting (alerting/): rules, channels, the persisted delivery queue and the matcher's position
 * in the event log. A delivery row is the queue entry and its log line at once; `dedupe_key`
 * (unique, null for tests and re-sends) makes enqueueing idempotent, so a matcher that re-reads
 * events after a restart never queues one twice.
 */
export const alertingMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('alert_channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('alert_rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('alert_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('rule_id', 'text')
      .addColumn('event_id', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.unique())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('next_attempt_at', 'text')
      .addColumn('claimed_until', 'text')
      .addColumn('escalate_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .execute();
    await db.schema
      .createIndex('alert_deliveries_due')
      .on('alert_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('alert_deliveries_escalate')
      .on('alert_deliveries')
      .column('escalate_at')
      .execute();
    await db.schema
      .createIndex('alert_deliveries_created')
      .on('alert_deliveries')
      .columns(['created_at', 'id'])
      .execute();
    await db.schema
      .createTable('alert_cursor')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('epoch', 'text', (c) => c.notNull())
      .addColumn('seq', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('alert_cursor').execute();
    await db.schema.dropTable('alert_deliveries').execute();
    await db.schema.dropTable('alert_rules').execute();
    await db.schema.dropTable('alert_channels').execute();
  },
};
