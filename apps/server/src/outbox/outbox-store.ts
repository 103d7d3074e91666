import type { EventType } from '@hdns/protocol';
import type { Db } from '../storage/db.js';
import type { OutboxEvent, OutboxEventOptions } from './outbox-event.js';

/** An outbox row as the relay reads it. */
export interface PendingEvent {
  seq: number;
  id: string;
  type: EventType;
  ts: string;
  data: unknown;
  options: OutboxEventOptions;
  attempts: number;
}

/**
 * The `outbox` table (migration 0004). Writers insert inside their change's transaction (`db` is
 * then that transaction); the relay reads pending rows in seq order and deletes delivered ones.
 */
export class OutboxStore {
  constructor(private readonly db: Db) {}

  /** Inserts the events in order; returns the seq of the last one (0 when none). */
  async insert(trx: Db, events: readonly OutboxEvent[]): Promise<number> {
    let last = 0;
    for (const e of events) {
      const row = await trx
        .insertInto('outbox')
        .values({
          id: e.id,
          type: e.type,
          ts: e.ts,
          data: JSON.stringify(e.data),
          options: JSON.stringify(e.options),
          last_error: null,
          dead_at: null,
        })
        .returning('seq')
        .executeTakeFirstOrThrow();
      last = row.seq;
    }
    return last;
  }

  /** The oldest rows still to deliver (dead ones excluded), ascending. */
  async pending(limit: number): Promise<PendingEvent[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('dead_at', 'is', null)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      type: r.type as EventType,
      ts: r.ts,
      data: JSON.parse(r.data) as unknown,
      options: JSON.parse(r.options) as OutboxEventOptions,
      attempts: r.attempts,
    }));
  }

  async remove(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    await this.db
      .deleteFrom('outbox')
      .where('seq', 'in', [...seqs])
      .execute();
  }

  /** Records a failed delivery attempt; the row stays pending. */
  async failed(seq: number, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 2000) }))
      .where('seq', '=', seq)
      .execute();
  }

  /** Parks a row the catalogue refuses now (e.g. after a downgrade); kept for an operator. */
  async dead(seq: number, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ dead_at: new Date().toISOString(), last_error: error.slice(0, 2000) })
      .where('seq', '=', seq)
      .execute();
  }

  async count(): Promise<{ pending: number; dead: number }> {
    const rows = await this.db
      .selectFrom('outbox')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.count<number>('dead_at').as('dead')])
      .executeTakeFirstOrThrow();
    return { pending: Number(rows.n) - Number(rows.dead), dead: Number(rows.dead) };
  }
}
