import type { Kysely, Migration } from 'kysely';
import { autoIncrementKey } from './column-types.js';

/**
 * The transactional outbox (outbox/outbox.ts): every stored change writes the events that
 * describe it into `outbox` in the same transaction; the relay moves them to the event log in
 * `seq` order and deletes them. `id` is the event's id, chosen before the commit, which the event
 * log deduplicates on, so a relay retry after a crash never logs an event twice.
 *
 * Also indexes acknowledgements by (user, seq): acking up to a seq counts and deletes a user's
 * individual acks below it without scanning them all.
 */
export const outboxMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const key = autoIncrementKey(db);
    await db.schema
      .createTable('outbox')
      .addColumn('seq', key.type, (c) => key.build(c))
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('ts', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('options', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('dead_at', 'text')
      .execute();
    await db.schema
      .createIndex('event_acks_user_seq')
      .on('event_acks')
      .columns(['user_id', 'seq'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('event_acks_user_seq').execute();
    await db.schema.dropTable('outbox').execute();
  },
};
