import type { Kysely, Migration } from 'kysely';

/**
 * DNSSEC signing per zone (bind/dnssec-policy.ts): the name of the `dnssec-policy` a primary
 * zone is signed with (`default` = BIND's built-in policy, or a policy defined in the server
 * settings); null = unsigned, which every existing zone stays.
 */
export const zoneDnssecMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('zones').addColumn('dnssec_policy', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('zones').dropColumn('dnssec_policy').execute();
  },
};
