import type { LegacyRouteName } from '@hdns/protocol/rest';
import type { Db } from '../storage/db.js';

/** What identifies one row: a user's use of one legacy generation, URL form and type. */
export interface LegacyUseKey {
  userId: string;
  generation: 1 | 2;
  route: LegacyRouteName;
  /** Generation 1's connection type; absent for generation 2. */
  connectionType?: string | undefined;
}

/** A stored row, as the admin view reads it (connectedNow is the hub's, added by the route). */
export interface LegacyUseRow {
  userId: string;
  username: string | null;
  generation: 1 | 2;
  route: LegacyRouteName;
  connectionType: string | null;
  userAgent: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  connections: number;
  refused: number;
}

/** Longest User-Agent kept: enough to tell browsers and scripts apart, bounded per row. */
export const MAX_USER_AGENT = 256;

/**
 * Legacy protocol use per (user, generation, route, connection type): table `legacy_clients`,
 * migration 0016. Each write is one statement (an upsert when a socket opens or is refused, an
 * update when it closes), so the cost is per connection, never per frame.
 */
export class LegacyUseStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A legacy socket was accepted (`outcome: 'accepted'`) or closed by HDNS_LEGACY=off. */
  async record(
    key: LegacyUseKey,
    outcome: 'accepted' | 'refused',
    userAgent: string | undefined,
  ): Promise<void> {
    const at = this.now().toISOString();
    const user_agent = userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null;
    const accepted = outcome === 'accepted' ? 1 : 0;
    await this.db
      .insertInto('legacy_clients')
      .values({
        ...keyColumns(key),
        user_agent,
        first_seen_at: at,
        last_seen_at: at,
        connections: accepted,
        refused: 1 - accepted,
      })
      .onConflict((oc) =>
        oc.columns(['user_id', 'generation', 'route', 'connection_type']).doUpdateSet((eb) => ({
          user_agent,
          last_seen_at: at,
          connections: eb('legacy_clients.connections', '+', accepted),
          refused: eb('legacy_clients.refused', '+', 1 - accepted),
        })),
      )
      .execute();
  }

  /** An accepted socket closed: it was seen until now. A row gone with its user stays gone. */
  async closed(key: LegacyUseKey): Promise<void> {
    const c = keyColumns(key);
    await this.db
      .updateTable('legacy_clients')
      .set({ last_seen_at: this.now().toISOString() })
      .where('user_id', '=', c.user_id)
      .where('generation', '=', c.generation)
      .where('route', '=', c.route)
      .where('connection_type', '=', c.connection_type)
      .execute();
  }

  /** Every row, most recently seen first, with the user's current name. */
  async list(): Promise<LegacyUseRow[]> {
    const rows = await this.db
      .selectFrom('legacy_clients')
      .leftJoin('users', 'users.id', 'legacy_clients.user_id')
      .select([
        'legacy_clients.user_id',
        'users.username',
        'legacy_clients.generation',
        'legacy_clients.route',
        'legacy_clients.connection_type',
        'legacy_clients.user_agent',
        'legacy_clients.first_seen_at',
        'legacy_clients.last_seen_at',
        'legacy_clients.connections',
        'legacy_clients.refused',
      ])
      .orderBy('legacy_clients.last_seen_at', 'desc')
      .orderBy('legacy_clients.user_id')
      .orderBy('legacy_clients.generation')
      .orderBy('legacy_clients.route')
      .orderBy('legacy_clients.connection_type')
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      username: r.username ?? null,
      generation: r.generation === 1 ? 1 : 2,
      route: r.route as LegacyRouteName,
      connectionType: r.connection_type === '' ? null : r.connection_type,
      userAgent: r.user_agent,
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
      // PostgreSQL's driver may hand integers back as strings; the contract is a number.
      connections: Number(r.connections),
      refused: Number(r.refused),
    }));
  }
}

function keyColumns(key: LegacyUseKey) {
  return {
    user_id: key.userId,
    generation: key.generation,
    route: key.route,
    connection_type: key.generation === 1 ? (key.connectionType ?? '') : '',
  };
}
