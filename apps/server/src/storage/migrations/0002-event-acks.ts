import type { Kysely, Migration } from 'kysely';
import { bigint } from './column-types.js';

/**
 * Per-user acknowledgement of events: a watermark (everything up to `up_to_seq` is read) plus
 * individual event ids acknowledged above it. The events themselves live in the event log file.
 */
export const eventAcksMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('event_ack_marks')
      .addColumn('user_id', 'text', (c) =>
        c.primaryKey().references('users.id').onDelete('cascade'),
      )
      .addColumn('epoch', 'text', (c) => c.notNull())
      .addColumn('up_to_seq', bigint(db), (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('event_acks')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('seq', bigint(db), (c) => c.notNull())
      .addColumn('acked_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('event_acks_pk', ['user_id', 'event_id'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('event_acks').execute();
    await db.schema.dropTable('event_ack_marks').execute();
  },
};
