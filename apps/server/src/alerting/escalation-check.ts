import { randomUUID } from 'node:crypto';
import type { EventLog } from '@hdns/hub';
import type { Db } from '../storage/db.js';
import { parsePayload, type DeliveryPayload } from './alert-payload.js';
import type { DeliveryStore } from './delivery-store.js';
import type { RuleStore } from './rule-store.js';

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
    const due = await this.deliveries.dueEscalations(now, 50);
    let queued = 0;
    for (const row of due) {
      const payload = parsePayload(row.payload);
      const event = payload.event;
      const rule = row.rule_id ? await this.rules.get(row.rule_id) : undefined;
      if (event && rule?.enabled && rule.escalation && !(await this.acked(event.id, event.seq))) {
        const channelId = rule.escalation.channelId;
        const escalated: DeliveryPayload = {
          reason: 'escalation',
          rule: { id: rule.id, name: rule.name },
          event,
          escalatedAfterMinutes: rule.escalation.afterMinutes,
        };
        queued += await this.deliveries.enqueue([
          {
            id: randomUUID(),
            channelId,
            ruleId: rule.id,
            eventId: event.id,
            reason: 'escalation',
            dedupeKey: `escalation:${event.id}:${channelId}`,
            payload: JSON.stringify(escalated),
            escalateAt: null,
            now,
          },
        ]);
      }
      await this.deliveries.clearEscalation(row.id);
    }
    if (queued > 0) this.enqueued();
    return due.length === 50;
  }

  /** Whether any user acknowledged the event (see ack-store.ts for the two forms). */
  private async acked(eventId: string, seq: number): Promise<boolean> {
    const one = await this.db
      .selectFrom('event_acks')
      .select('event_id')
      .where('event_id', '=', eventId)
      .limit(1)
      .executeTakeFirst();
    if (one) return true;
    const mark = await this.db
      .selectFrom('event_ack_marks')
      .select('user_id')
      .where('epoch', '=', this.log.epoch)
      .where('up_to_seq', '>=', seq)
      .limit(1)
      .executeTakeFirst();
    return mark !== undefined;
  }
}
