import type { Kysely, Migration } from 'kysely';

/**
 * The BIND lease's fence in the database (dns/bind-fence.ts): one row holding the fencing token
 * and the name of the newest lease holder (bigint: tokens only grow). A holder takes the row over (raises the token) before it renders
 * the zones into its named, and every DNS write transaction checks, and locks, the row with its
 * own token; a write by a holder that lost the lease meanwhile is refused in its own
 * transaction instead of being stored behind the new holder's back. Token 0: no holder yet.
 */
export const bindFenceMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('bind_fence')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('token', 'bigint', (c) => c.notNull())
      .addColumn('holder', 'text', (c) => c.notNull())
      .execute();
    await (db as Kysely<{ bind_fence: { id: number; token: number; holder: string } }>)
      .insertInto('bind_fence')
      .values({ id: 1, token: 0, holder: '' })
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('bind_fence').execute();
  },
};
