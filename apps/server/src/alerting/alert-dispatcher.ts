import { randomUUID } from 'node:crypto';
import type { EventLog } from '@hdns/hub';
import type { Db } from '../storage/db.js';
import type { DeliveryPayload } from './alert-payload.js';
import type { DeliveryStore, NewDelivery } from './delivery-store.js';
import { isCritical, type RuleMatcher } from './rule-matcher.js';
import type { RuleStore } from './rule-store.js';

/** Events read per run; a full batch makes the loop run again at once. */
const BATCH = 2_000;

/**
 * Follows the event log from a persisted position (`alert_cursor`) and turns the events rules
 * fire on into deliveries. It reads the log, not the bus, so events published while the server
 * was down or by another instance are seen too; the position moves only after the deliveries
 * are stored, and enqueueing is idempotent by (event, channel), so a crash between the two
 * re-reads events without queueing anything twice. Matching happens after the event is
 * committed (the outbox relay logs it), never inside the change's transaction.
 */
export class AlertDispatcher {
  constructor(
    private readonly db: Db,
    private readonly log: EventLog,
    private readonly rules: RuleStore,
    private readonly deliveries: DeliveryStore,
    private readonly matcher: RuleMatcher,
    private readonly enqueued: () => void,
  ) {}

  /** Starts following at the log's head unless a position of this epoch is stored. */
  async position(): Promise<number> {
    const row = await this.db
      .selectFrom('alert_cursor')
      .selectAll()
      .where('id', '=', 1)
      .executeTakeFirst();
    if (row && row.epoch === this.log.epoch) return Number(row.seq);
    // First start, or a new log: alert on what happens from now on, not on history.
    const head = await this.log.lastSeq();
    await this.save(head);
    return head;
  }

  private async save(seq: number): Promise<void> {
    const values = { id: 1, epoch: this.log.epoch, seq: String(seq) };
    await this.db
      .insertInto('alert_cursor')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet({ epoch: values.epoch, seq: values.seq }))
      .execute();
  }

  async runOnce(signal: AbortSignal): Promise<boolean> {
    const after = await this.position();
    const events = await this.log.readAfter(after, BATCH);
    if (events.length === 0 || signal.aborted) return false;
    // Rules are read when there is something to match (an idle poll reads no rule).
    this.matcher.setRules(await this.rules.list());
    const rows: NewDelivery[] = [];
    const now = new Date();
    for (const event of events) {
      for (const rule of this.matcher.match(event)) {
        const payload: DeliveryPayload = {
          reason: 'alert',
          rule: { id: rule.id, name: rule.name },
          event,
        };
        const escalateAt =
          rule.escalation && isCritical(event)
            ? new Date(now.getTime() + rule.escalation.afterMinutes * 60_000).toISOString()
            : null;
        rule.channelIds.forEach((channelId, i) => {
          rows.push({
            id: randomUUID(),
            channelId,
            ruleId: rule.id,
            eventId: event.id,
            reason: 'alert',
            dedupeKey: `alert:${event.id}:${channelId}`,
            payload: JSON.stringify(payload),
            // One watch per event and rule: on its first channel's row.
            escalateAt: i === 0 ? escalateAt : null,
            now: now.toISOString(),
          });
        });
      }
    }
    const inserted = await this.deliveries.enqueue(rows);
    await this.save(events[events.length - 1]?.seq ?? after);
    if (inserted > 0) this.enqueued();
    return events.length === BATCH;
  }
}
