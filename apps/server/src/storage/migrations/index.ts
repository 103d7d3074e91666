import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001-initial.js';
import { eventAcksMigration } from './0002-event-acks.js';
import { dnsMigration } from './0003-dns.js';
import { outboxMigration } from './0004-outbox.js';
import { rightsRevocationMigration } from './0005-rights-revocation.js';
import { bindFenceMigration } from './0006-bind-fence.js';
import { dnsSettingsMigration } from './0007-dns-settings.js';
import { zoneDnssecMigration } from './0008-zone-dnssec.js';
import { replicationMigration } from './0009-replication.js';
import { apiTokensMigration } from './0010-api-tokens.js';
import { accountMigration } from './0011-account.js';
import { blocklistFeedsMigration } from './0012-blocklist-feeds.js';
import { alertingMigration } from './0013-alerting.js';
import { feedRetryMigration } from './0014-feed-retry.js';
import { alertMatcherLeaseMigration } from './0015-alert-matcher-lease.js';
import { legacyClientsMigration } from './0016-legacy-clients.js';

/**
 * Every migration, in order. Kysely runs them sorted by name, so names start with a zero-padded
 * number. To add one: create `NNNN-what.ts` beside this file and append it here. Never rename or
 * edit a released migration.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-initial': initialMigration,
  '0002-event-acks': eventAcksMigration,
  '0003-dns': dnsMigration,
  '0004-outbox': outboxMigration,
  '0005-rights-revocation': rightsRevocationMigration,
  '0006-bind-fence': bindFenceMigration,
  '0007-dns-settings': dnsSettingsMigration,
  '0008-zone-dnssec': zoneDnssecMigration,
  '0009-replication': replicationMigration,
  '0010-api-tokens': apiTokensMigration,
  '0011-account': accountMigration,
  '0012-blocklist-feeds': blocklistFeedsMigration,
  '0013-alerting': alertingMigration,
  '0014-feed-retry': feedRetryMigration,
  '0015-alert-matcher-lease': alertMatcherLeaseMigration,
  '0016-legacy-clients': legacyClientsMigration,
};

/** A static provider: no file-system scanning, so it works from any cwd and in bundles. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
