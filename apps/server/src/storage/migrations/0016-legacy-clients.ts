import type { Kysely, Migration } from 'kysely';

/**
 * `legacy_clients`: who still connects with the protocols v1 replaces (HDNS_LEGACY, the admin
 * page's "Legacy clients"). One row per (user, generation, route, connection type), upserted
 * once per legacy connection (never per frame), so the table stays as small as the set of old
 * clients in use. `connection_type` is '' for generation 2 (a key column cannot be null on
 * PostgreSQL). `connections` counts the sockets accepted, `refused` those closed because
 * HDNS_LEGACY=off. Deleting the user deletes its rows.
 */
export const legacyClientsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('legacy_clients')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('route', 'text', (c) => c.notNull())
      .addColumn('connection_type', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text')
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('connections', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('refused', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('legacy_clients_pk', [
        'user_id',
        'generation',
        'route',
        'connection_type',
      ])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('legacy_clients').execute();
  },
};
