import type { Category } from '@hdns/protocol';
import type { EventLog, EventQuery, LoggedEvent } from '@hdns/hub';
import type { Db } from '../storage/db.js';

export interface AckInput {
  upToSeq?: number;
  ids?: readonly string[];
}

/** How many of the newest seqs unread counts look at, by default. */
export const UNREAD_WINDOW = 10_000;

export interface UnreadCounts {
  total: number;
  byCategory: Partial<Record<Category, number>>;
  upToSeq: number;
  /**
   * True when the user's watermark lies below the counting window, so older unread events
   * exist that the counts leave out: show the total as "at least" (e.g. "10000+").
   */
  capped: boolean;
}

/**
 * Per-user read state over the event log: a watermark plus individually acknowledged ids above
 * it. Unread counts are computed against the log with the reader's visibility filter.
 *
 * Cost contract: every count reads at most the newest `window` seqs of the log (a range of its
 * seq key), never the whole log above an old or absent watermark. So unread counts cover only
 * the window (`capped` says when there is more), and the number an acknowledgement reports as
 * newly covered is counted within the `window` seqs below its `upToSeq`; the watermark itself
 * moves all the way.
 */
export class AckStore {
  private readonly window: number;

  constructor(
    private readonly db: Db,
    private readonly log: EventLog,
    opts: { window?: number } = {},
  ) {
    this.window = Math.max(1, Math.trunc(opts.window ?? UNREAD_WINDOW));
  }

  /** Current watermark for this user in the log's epoch (0 when none or another epoch). */
  async watermark(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('event_ack_marks')
      .select(['epoch', 'up_to_seq'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && row.epoch === this.log.epoch ? row.up_to_seq : 0;
  }

  /** Records an acknowledgement; resolves to how many events it newly covered. */
  async ack(userId: string, input: AckInput, visible: EventQuery): Promise<number> {
    const now = new Date().toISOString();
    const mark = await this.watermark(userId);
    let covered = 0;
    if (input.upToSeq !== undefined && input.upToSeq > mark) {
      const upTo = Math.min(input.upToSeq, await this.log.lastSeq());
      const from = Math.max(mark, upTo - this.window);
      const counts = await this.log.countByCategory({
        ...visible,
        afterSeq: from,
        beforeSeq: upTo + 1,
      });
      const explicit = await this.db
        .selectFrom('event_acks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('seq', '>', from)
        .where('seq', '<=', upTo)
        .executeTakeFirst();
      covered += sum(counts) - Number(explicit?.n ?? 0);
      await this.db
        .insertInto('event_ack_marks')
        .values({ user_id: userId, epoch: this.log.epoch, up_to_seq: upTo, updated_at: now })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({ epoch: this.log.epoch, up_to_seq: upTo, updated_at: now }),
        )
        .execute();
      await this.db
        .deleteFrom('event_acks')
        .where('user_id', '=', userId)
        .where('seq', '<=', upTo)
        .execute();
    }
    if (input.ids?.length) {
      const current = await this.watermark(userId);
      // By id (the log's unique index), not a read of everything above the watermark.
      const events = await this.visibleByIds(input.ids, { ...visible, afterSeq: current });
      const rows = events.map((e) => ({
        user_id: userId,
        event_id: e.id,
        seq: e.seq,
        acked_at: now,
      }));
      if (rows.length) {
        const result = await this.db
          .insertInto('event_acks')
          .values(rows)
          .onConflict((oc) => oc.columns(['user_id', 'event_id']).doNothing())
          .executeTakeFirst();
        covered += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
    }
    return Math.max(0, covered);
  }

  /**
   * Unread events by category: visible, above the watermark, not acknowledged one by one, and
   * within the newest `window` seqs (see the class comment; `capped` when that cut any off).
   */
  async unread(userId: string, visible: EventQuery): Promise<UnreadCounts> {
    const mark = await this.watermark(userId);
    const head = await this.log.lastSeq();
    const from = Math.max(mark, head - this.window);
    const byCategory = await this.log.countByCategory({
      ...visible,
      afterSeq: from,
      beforeSeq: head + 1,
    });
    // Only the individually acked events are read (by id), not the log above the watermark.
    const acked = await this.db
      .selectFrom('event_acks')
      .select('event_id')
      .where('user_id', '=', userId)
      .where('seq', '>', from)
      .execute();
    const ackedIds = acked.map((r) => r.event_id);
    for (const e of await this.visibleByIds(ackedIds, { ...visible, afterSeq: from })) {
      byCategory[e.category] = Math.max(0, (byCategory[e.category] ?? 0) - 1);
    }
    return { total: sum(byCategory), byCategory, upToSeq: mark, capped: from > mark };
  }

  /** The events among `ids` that pass `filter`, looked up by id in chunks. */
  private async visibleByIds(ids: readonly string[], filter: EventQuery): Promise<LoggedEvent[]> {
    const out: LoggedEvent[] = [];
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      out.push(...(await this.log.query({ ...filter, ids: ids.slice(i, i + ID_CHUNK) })));
    }
    return out;
  }

  /** Which of these event ids the user has acknowledged (by watermark or one by one). */
  async ackedIds(
    userId: string,
    events: readonly { id: string; seq: number }[],
  ): Promise<Set<string>> {
    const mark = await this.watermark(userId);
    const out = new Set(events.filter((e) => e.seq <= mark).map((e) => e.id));
    const rest = events.filter((e) => e.seq > mark).map((e) => e.id);
    if (rest.length) {
      const rows = await this.db
        .selectFrom('event_acks')
        .select('event_id')
        .where('user_id', '=', userId)
        .where('event_id', 'in', rest)
        .execute();
      for (const r of rows) out.add(r.event_id);
    }
    return out;
  }
}

/** SQLite binds at most a few thousand parameters per statement. */
const ID_CHUNK = 500;

function sum(counts: Partial<Record<Category, number>>): number {
  return Object.values(counts).reduce((n, v) => n + (v ?? 0), 0);
}
