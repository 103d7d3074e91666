import type { Kysely, Migration } from 'kysely';

/**
 * How the managed named serves the network (dns/dns-settings-service.ts): one row, id 1, the
 * settings as JSON (parsed with the protocol's schema on every read, so a field added later
 * gets its default instead of a migration), a version for optimistic updates. No row: defaults.
 */
export const dnsSettingsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('dns_settings')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('dns_settings').execute();
  },
};
