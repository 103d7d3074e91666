import { randomUUID } from 'node:crypto';
import type { EventLog } from '@hdns/hub';
import type { Db } from '../storage/db.js';
import { parsePayload, type DeliveryPayload } from './alert-payload.js';
import type { DeliveryStore, NewDelivery } from './delivery-store.js';
import type { RuleStore } from './rule-store.js';

/** Watches looked at per run; a full batch makes the loop run again at once. */
const BATCH = 50;

/**
 * Escalation of unacknowledged critical events. The dispatcher marks the first delivery of a
 * critical event by a rule with escalation with `escalate_at`; once that time passes this
 * check looks for an acknowledgement by anyone (a user's watermark at or past the event's seq,
 * or its id acked one by one) and, when none, queues one delivery to the rule's escalation
 * channel (dedupe key `escalation:<event>:<channel>`, so once). Either way the watch ends.
 */
export class EscalationCheck {
  constructor(
    private readonly db: Db,
    private readonly log: EventLog,
    private readonly rules: RuleStore,
    private readonly deliveries: DeliveryStore,
    private readonly enqueued: () => void,
  ) {}

  async runOnce(): Promise<boolean> {
    const now = new Date().toISOString();
    const due = await this.deliveries.dueEscalations(now, BATCH);
    if (due.length === 0) return false;
    // One read each for the rules, the one-by-one acks and the watermarks of the whole batch.
    const rules = new Map((await this.rules.list()).map((r) => [r.id, r]));
    const watches = due.map((row) => ({ row, event: parsePayload(row.payload).event }));
    const acked = await this.acknowledged(watches.flatMap((w) => (w.event ? [w.event] : [])));
    const rows: NewDelivery[] = [];
    for (const { row, event } of watches) {
      const rule = row.rule_id ? rules.get(row.rule_id) : undefined;
      if (!event || !rule?.enabled || !rule.escalation || acked.has(event.id)) continue;
      const channelId = rule.escalation.channelId;
      const escalated: DeliveryPayload = {
        reason: 'escalation',
        rule: { id: rule.id, name: rule.name },
        event,
        escalatedAfterMinutes: rule.escalation.afterMinutes,
      };
      rows.push({
        id: randomUUID(),
        channelId,
        ruleId: rule.id,
        eventId: event.id,
        reason: 'escalation',
        dedupeKey: `escalation:${event.id}:${channelId}`,
        payload: JSON.stringify(escalated),
        escalateAt: null,
        now,
      });
    }
    // Queued first, then every watch of the batch ended: a crash between the two looks at the
    // watches again, and the dedupe key queues nothing twice.
    const queued = await this.deliveries.enqueue(rows);
    await this.deliveries.clearEscalations(due.map((r) => r.id));
    if (queued > 0) this.enqueued();
    return due.length === BATCH;
  }

  /**
   * The ids of these events someone acknowledged (see ack-store.ts for the two forms): acked
   * one by one, or at or below the highest watermark any user set in this log's epoch.
   */
  private async acknowledged(events: readonly { id: string; seq: number }[]): Promise<Set<string>> {
    if (events.length === 0) return new Set();
    const one = await this.db
      .selectFrom('event_acks')
      .select('event_id')
      .distinct()
      .where(
        'event_id',
        'in',
        events.map((e) => e.id),
      )
      .execute();
    const acked = new Set(one.map((r) => r.event_id));
    const mark = await this.db
      .selectFrom('event_ack_marks')
      .select((eb) => eb.fn.max('up_to_seq').as('top'))
      .where('epoch', '=', this.log.epoch)
      .executeTakeFirst();
    const top = mark?.top === null || mark?.top === undefined ? -1 : Number(mark.top);
    for (const e of events) if (e.seq <= top) acked.add(e.id);
    return acked;
  }
}
