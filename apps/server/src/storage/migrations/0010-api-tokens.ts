import type { Kysely, Migration } from 'kysely';

/**
 * `api_tokens`: scoped, long-lived credentials. Only the SHA-256 (hex) of the secret is kept
 * (`token_hash`, unique: the lookup key); `prefix` holds the first characters so people can
 * recognise a token in a list. A revoked token keeps its row (`revoked_at`) for the audit trail
 * until its owner is deleted.
 */
export const apiTokensMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('zones', 'text')
      .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('last_used_at', 'text')
      .addColumn('last_used_from', 'text')
      .execute();
    await db.schema
      .createIndex('api_tokens_owner_idx')
      .on('api_tokens')
      .column('owner_id')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('api_tokens').execute();
  },
};
