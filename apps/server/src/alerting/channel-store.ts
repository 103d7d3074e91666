import {
  alertChannelConfigSchema,
  type AlertChannel,
  type AlertChannelConfig,
  type AlertChannelKind,
} from '@hdns/protocol/rest';
import type { Db } from '../storage/db.js';
import type { AlertChannelsTable } from '../storage/schema.js';

/** A channel as the senders need it: with its secrets. Never answered to a client as is. */
export interface StoredChannel {
  id: string;
  name: string;
  kind: AlertChannelKind;
  enabled: boolean;
  config: AlertChannelConfig;
  createdAt: string;
  updatedAt: string;
}

function fromRow(r: AlertChannelsTable): StoredChannel {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as AlertChannelKind,
    enabled: r.enabled === 1,
    // Parsed, not trusted: the row is JSON we wrote, but a bad one must not reach a sender.
    config: alertChannelConfigSchema.parse(JSON.parse(r.config)),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The client view: write-only fields replaced by whether they are set. */
/**
 * A channel as REST shows it: the HMAC secret and SMTP password never; the target URL whole
 * only to admins (`fullUrl`). Slack and Teams put their token in the URL's path, and any
 * receiver may in its query, so operators, who may read alerting, see the origin alone.
 */
export function channelView(c: StoredChannel, { fullUrl = true } = {}): AlertChannel {
  const { secret, smtpPassword, url, ...rest } = c.config;
  const shownUrl = url === undefined || fullUrl ? url : `${new URL(url).origin}/…`;
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    enabled: c.enabled,
    config: {
      ...rest,
      ...(shownUrl !== undefined ? { url: shownUrl } : {}),
      hasSecret: Boolean(secret),
      hasSmtpPassword: Boolean(smtpPassword),
    },
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** Alert channels on SQLite and PostgreSQL alike. */
export class ChannelStore {
  constructor(private readonly db: Db) {}

  async list(): Promise<StoredChannel[]> {
    const rows = await this.db
      .selectFrom('alert_channels')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }

  async get(id: string): Promise<StoredChannel | undefined> {
    const row = await this.db
      .selectFrom('alert_channels')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** The channels of these ids that exist, by id (one read). */
  async getMany(ids: readonly string[]): Promise<Map<string, StoredChannel>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('alert_channels')
      .selectAll()
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, fromRow(r)]));
  }

  /**
   * Locks these channels' rows until the transaction ends (a no-op update: a row lock on
   * PostgreSQL, the write lock on SQLite) and returns the ids that exist. A rule naming a
   * channel and the channel's delete both take it first, so one of them sees the other.
   */
  async lock(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    // One at a time in id order: two transactions locking overlapping sets cannot deadlock.
    for (const id of [...new Set(ids)].sort()) {
      const row = await this.db
        .updateTable('alert_channels')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      if (row) found.add(row.id);
    }
    return found;
  }

  async insert(c: StoredChannel): Promise<void> {
    await this.db
      .insertInto('alert_channels')
      .values({
        id: c.id,
        name: c.name,
        kind: c.kind,
        enabled: c.enabled ? 1 : 0,
        config: JSON.stringify(c.config),
        created_at: c.createdAt,
        updated_at: c.updatedAt,
      })
      .execute();
  }

  async update(c: StoredChannel): Promise<void> {
    await this.db
      .updateTable('alert_channels')
      .set({
        name: c.name,
        enabled: c.enabled ? 1 : 0,
        config: JSON.stringify(c.config),
        updated_at: c.updatedAt,
      })
      .where('id', '=', c.id)
      .execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('alert_channels').where('id', '=', id).execute();
  }
}
