import { randomUUID } from 'node:crypto';
import type { EventLog } from '@hdns/hub';
import type { AlertRule } from '@hdns/protocol/rest';
import type { AlertCursor } from './alert-cursor.js';
import type { DeliveryPayload } from './alert-payload.js';
import type { DeliveryStore, NewDelivery } from './delivery-store.js';
import { isCritical } from './event-filter.js';
import type { RuleFiring, RuleMatcher } from './rule-matcher.js';
import type { RuleStore } from './rule-store.js';
import { warmUpConditions } from './condition-warmup.js';

/** Events read per run; a full batch makes the loop run again at once. */
const BATCH = 2_000;
/** Rules are read again after this long even without a change here (another instance's). */
const RULES_TTL_MS = 5_000;

/**
 * Follows the event log from a persisted position (`alert_cursor`) and turns the events rules
 * fire on into deliveries. It reads the log, not the bus, so events published while the server
 * was down or by another instance are seen too; the position moves only after the deliveries
 * are stored, and enqueueing is idempotent by its dedupe key, so a crash between the two
 * re-reads events without queueing anything twice. Matching happens after the event is
 * committed (the outbox relay logs it), never inside the change's transaction.
 *
 * One instance matches at a time (AlertCursor's claim); the others' runs do nothing. The
 * holder rebuilds its conditions' windows from the log when it starts holding
 * (condition-warmup.ts). Time-driven firings (`held`) are asked for with the time of the
 * newest event read while catching up, and the clock only once caught up, so a state that a
 * later, unread event ends never fires for the backlog.
 */
export class AlertDispatcher {
  private warmed = false;
  private rules: AlertRule[] | null = null;
  private rulesReadAt = 0;

  constructor(
    private readonly cursor: AlertCursor,
    private readonly log: EventLog,
    private readonly ruleStore: RuleStore,
    private readonly deliveries: DeliveryStore,
    private readonly matcher: RuleMatcher,
    private readonly enqueued: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A rule was created, changed or deleted here: read them again on the next run. */
  rulesChanged(): void {
    this.rules = null;
  }

  /** Whether a new event may matter: rules not read yet, or some enabled. */
  wantsEvents(): boolean {
    return this.rules === null || this.rules.some((r) => r.enabled);
  }

  private async currentRules(): Promise<AlertRule[]> {
    if (this.rules === null || this.now() - this.rulesReadAt > RULES_TTL_MS) {
      this.rules = await this.ruleStore.list();
      this.rulesReadAt = this.now();
    }
    return this.rules;
  }

  async runOnce(signal: AbortSignal): Promise<boolean> {
    const claim = await this.cursor.claim();
    if (!claim.holds) {
      this.warmed = false;
      return false;
    }
    if (claim.fresh) this.warmed = false;
    const rules = await this.currentRules();
    this.matcher.setRules(rules);
    const after = await this.cursor.position();
    if (!rules.some((r) => r.enabled)) {
      // Nothing to match: follow the head without reading the events.
      const head = await this.log.lastSeq();
      if (head !== after) await this.cursor.save(head);
      this.warmed = false;
      return false;
    }
    if (!this.warmed) {
      this.warmed = true;
      await warmUpConditions(this.log, this.matcher, rules, after, this.now(), signal);
    }
    const events = await this.log.readAfter(after, BATCH);
    if (signal.aborted) return false;
    const firings: RuleFiring[] = [];
    for (const event of events) firings.push(...this.matcher.match(event));
    const last = events[events.length - 1];
    const behind = events.length === BATCH && last !== undefined;
    firings.push(...this.matcher.due(behind ? Date.parse(last.ts) : this.now()));
    if (firings.length === 0 && !last) return false;
    const now = new Date(this.now());
    const inserted = await this.deliveries.enqueue(firings.flatMap((f) => this.rowsOf(f, now)));
    if (last) await this.cursor.save(last.seq);
    if (inserted > 0) this.enqueued();
    return behind;
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
