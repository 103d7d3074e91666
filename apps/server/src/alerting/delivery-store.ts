import {
  DELIVERY_STATUSES,
  type AlertDelivery,
  type AlertDeliveryPage,
  type DeliveryStatus,
} from '@hdns/protocol/rest';
import type { Db } from '../storage/db.js';
import type { AlertDeliveriesTable } from '../storage/schema.js';

export type DeliveryRow = AlertDeliveriesTable;

/** A new queue entry; `dedupeKey` makes a repeated enqueue of the same thing a no-op. */
export interface NewDelivery {
  id: string;
  channelId: string;
  ruleId: string | null;
  eventId: string | null;
  reason: 'alert' | 'escalation' | 'test' | 'resend';
  dedupeKey: string | null;
  payload: string;
  escalateAt: string | null;
  now: string;
}

export function deliveryView(r: DeliveryRow): AlertDelivery {
  return {
    id: r.id,
    channelId: r.channel_id,
    ruleId: r.rule_id,
    eventId: r.event_id,
    reason: r.reason,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  };
}

/**
 * The persisted delivery queue (and its log). Rows move pending → sending → delivered, or
 * → failed (retry at next_attempt_at) → … → dead. A claim is a conditional update, so two
 * workers (two instances) never send one row at once; a claim that outlives `claimed_until`
 * (a crashed process) makes the row due again. Times are ISO strings, which sort as times.
 */
export class DeliveryStore {
  constructor(private readonly db: Db) {}

  /** Inserts the rows whose dedupe key is new; resolves to how many were inserted. */
  async enqueue(rows: readonly NewDelivery[]): Promise<number> {
    let inserted = 0;
    for (const d of rows) {
      const result = await this.db
        .insertInto('alert_deliveries')
        .values({
          id: d.id,
          channel_id: d.channelId,
          rule_id: d.ruleId,
          event_id: d.eventId,
          reason: d.reason,
          dedupe_key: d.dedupeKey,
          payload: d.payload,
          status: 'pending',
          attempts: 0,
          last_status_code: null,
          last_error: null,
          next_attempt_at: d.now,
          claimed_until: null,
          escalate_at: d.escalateAt,
          created_at: d.now,
          delivered_at: null,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return inserted;
  }

  async get(id: string): Promise<DeliveryRow | undefined> {
    return this.db
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Claims up to `limit` due rows for `claimMs`, counting the attempt; resolves to them. */
  async claimDue(now: string, claimUntil: string, limit: number): Promise<DeliveryRow[]> {
    const due = await this.db
      .selectFrom('alert_deliveries')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('status', 'in', ['pending', 'failed']), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<=', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    const claimed: DeliveryRow[] = [];
    for (const { id } of due) {
      const result = await this.db
        .updateTable('alert_deliveries')
        .set((eb) => ({
          status: 'sending',
          claimed_until: claimUntil,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb.and([eb('status', 'in', ['pending', 'failed']), eb('next_attempt_at', '<=', now)]),
            eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<=', now)]),
          ]),
        )
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) continue;
      const row = await this.get(id);
      if (row) claimed.push(row);
    }
    return claimed;
  }

  async markDelivered(id: string, statusCode: number, now: string): Promise<void> {
    await this.db
      .updateTable('alert_deliveries')
      .set({
        status: 'delivered',
        last_status_code: statusCode,
        last_error: null,
        next_attempt_at: null,
        claimed_until: null,
        delivered_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  /** A failed attempt: retry at `retryAt`, or `dead` when it is null. */
  async markFailed(
    id: string,
    outcome: { statusCode: number | null; error: string; retryAt: string | null },
  ): Promise<void> {
    await this.db
      .updateTable('alert_deliveries')
      .set({
        status: outcome.retryAt === null ? 'dead' : 'failed',
        last_status_code: outcome.statusCode,
        last_error: outcome.error.slice(0, 1000),
        next_attempt_at: outcome.retryAt,
        claimed_until: null,
      })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  /** Gives a claimed row back (shutdown cut its attempt short): due again at once. */
  async release(id: string, now: string, error: string): Promise<void> {
    await this.db
      .updateTable('alert_deliveries')
      .set({ status: 'pending', next_attempt_at: now, claimed_until: null, last_error: error })
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .execute();
  }

  async dueEscalations(now: string, limit: number): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('escalate_at', '<=', now)
      .orderBy('escalate_at')
      .limit(limit)
      .execute();
  }

  /** Ends the escalation watch of these rows. */
  async clearEscalations(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('alert_deliveries')
      .set({ escalate_at: null })
      .where('id', 'in', ids)
      .execute();
  }

  /** How many rows are in each status (for /metrics). */
  async countByStatus(): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.db
      .selectFrom('alert_deliveries')
      .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
      .groupBy('status')
      .execute();
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((st) => [st, 0])) as Record<
      DeliveryStatus,
      number
    >;
    for (const r of rows) {
      if ((DELIVERY_STATUSES as readonly string[]).includes(r.status)) {
        counts[r.status as DeliveryStatus] = Number(r.n);
      }
    }
    return counts;
  }

  /** Drops finished rows (delivered, dead) created before `before` whose watch has ended. */
  async prune(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('alert_deliveries')
      .where('status', 'in', ['delivered', 'dead'])
      .where('created_at', '<', before)
      .where('escalate_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Newest first; `before` is the id of the last row of the previous page. */
  async page(q: {
    status?: DeliveryStatus | undefined;
    channelId?: string | undefined;
    before?: string | undefined;
    limit: number;
  }): Promise<AlertDeliveryPage> {
    let query = this.db.selectFrom('alert_deliveries').selectAll();
    if (q.status) query = query.where('status', '=', q.status);
    if (q.channelId) query = query.where('channel_id', '=', q.channelId);
    if (q.before) {
      const cursor = await this.get(q.before);
      if (cursor) {
        const { created_at: at, id } = cursor;
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', at),
            eb.and([eb('created_at', '=', at), eb('id', '<', id)]),
          ]),
        );
      }
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const page = rows.slice(0, q.limit);
    return {
      deliveries: page.map(deliveryView),
      next: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }
}
