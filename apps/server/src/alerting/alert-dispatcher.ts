import { randomUUID } from 'node:crypto';
import type { EventLog } from '@hdns/hub';
import type { Db } from '../storage/db.js';
import type { DeliveryPayload } from './alert-payload.js';
import type { DeliveryStore, NewDelivery } from './delivery-store.js';
import { isCritical } from './event-filter.js';
import type { RuleFiring, RuleMatcher } from './rule-matcher.js';
import type { RuleStore } from './rule-store.js';

/** Events read per run; a full batch makes the loop run again at once. */
const BATCH = 2_000;
/**
 * Events before the stored position read again at start, to rebuild the windows of rules with
 * a condition (what they fire on then was handled before the restart and is not queued again).
 */
export const WARMUP_EVENTS = 20_000;

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

  private warmed = false;

  /**
   * Rebuilds the conditions' windows from the events just before `after`, so that a restart
   * neither forgets a forwarder that went down 30 s before it nor a half-full window. Their
   * firings were queued before (or are due now, and `due` queues them).
   */
  private async warmUp(after: number, signal: AbortSignal): Promise<void> {
    this.warmed = true;
    const rules = await this.rules.list();
    if (!rules.some((r) => r.enabled && r.threshold)) return;
    this.matcher.setRules(rules);
    let seq = Math.max(0, after - WARMUP_EVENTS);
    while (seq < after && !signal.aborted) {
      const events = await this.log.readAfter(seq, Math.min(BATCH, after - seq));
      const last = events[events.length - 1];
      if (!last) break;
      for (const event of events) if (event.seq <= after) this.matcher.match(event);
      seq = last.seq;
    }
  }

  async runOnce(signal: AbortSignal): Promise<boolean> {
    const after = await this.position();
    if (!this.warmed) await this.warmUp(after, signal);
    const events = await this.log.readAfter(after, BATCH);
    if (signal.aborted) return false;
    const now = new Date();
    const firings: RuleFiring[] = [];
    // Rules are read when there is something to match, or a rule may fire with time alone
    // (an idle poll without such rules reads nothing).
    if (events.length > 0 || this.matcher.hasTimedRules()) {
      this.matcher.setRules(await this.rules.list());
    }
    for (const event of events) firings.push(...this.matcher.match(event));
    firings.push(...this.matcher.due(now.getTime()));
    if (firings.length === 0 && events.length === 0) return false;
    const inserted = await this.deliveries.enqueue(firings.flatMap((f) => this.rowsOf(f, now)));
    await this.save(events[events.length - 1]?.seq ?? after);
    if (inserted > 0) this.enqueued();
    return events.length === BATCH;
  }

  /** One delivery per channel of the rule; the first carries the escalation watch. */
  private rowsOf({ rule, event, observed }: RuleFiring, now: Date): NewDelivery[] {
    const payload: DeliveryPayload = {
      reason: 'alert',
      rule: { id: rule.id, name: rule.name },
      event,
      ...(observed ? { observed } : {}),
    };
    const escalateAt =
      rule.escalation && isCritical(event)
        ? new Date(now.getTime() + rule.escalation.afterMinutes * 60_000).toISOString()
        : null;
    // A plain rule alerts once per event and channel; a condition once per firing of its rule
    // (two rules counting the same event are two alerts).
    const key = observed ? `${observed.kind}:${rule.id}:${event.id}` : `alert:${event.id}`;
    return rule.channelIds.map((channelId, i) => ({
      id: randomUUID(),
      channelId,
      ruleId: rule.id,
      eventId: event.id,
      reason: 'alert',
      dedupeKey: `${key}:${channelId}`,
      payload: JSON.stringify(payload),
      escalateAt: i === 0 ? escalateAt : null,
      now: now.toISOString(),
    }));
  }
}
