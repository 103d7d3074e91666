import type { Kysely, Migration } from 'kysely';

/**
 * Replication (dns/replication-service.ts): TSIG keys (the secret is stored, since named.conf is
 * rendered from it, and shown to users only when created or rotated), the secondary servers this
 * one notifies and lets transfer, and, for zones of type `secondary`, where they are pulled from
 * (`primaries`: JSON string[] of `ip` or `ip#port`) with which key.
 */
export const replicationMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('tsig_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('rotated_at', 'text')
      .execute();
    await db.schema
      .createTable('secondary_servers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('tsig_key_id', 'text', (c) => c.references('tsig_keys.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('zones').addColumn('primaries', 'text').execute();
    await db.schema.alterTable('zones').addColumn('tsig_key_id', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('zones').dropColumn('tsig_key_id').execute();
    await db.schema.alterTable('zones').dropColumn('primaries').execute();
    await db.schema.dropTable('secondary_servers').execute();
    await db.schema.dropTable('tsig_keys').execute();
  },
};
