import type { EventLog, LoggedEvent } from '@hdns/hub';
import type { AlertRule, AlertThreshold } from '@hdns/protocol/rest';
import type { RuleMatcher } from './rule-matcher.js';

/** Most events replayed at a start (newest kept): bounds its time and memory. */
export const WARMUP_MAX_EVENTS = 50_000;
const PAGE = 2_000;

/**
 * How far back a condition's state reaches: a count window; a ratio window and the time it
 * must hold; a held state's time plus an hour, so that a state that already fired (and whose
 * starting event is replayed) fires again with the same event, which the delivery queue's
 * dedupe key turns into nothing.
 */
export function lookbackSec(t: AlertThreshold): number {
  switch (t.kind) {
    case 'count':
      return t.windowSec;
    case 'ratio':
      return t.windowSec + t.forSec;
    case 'held':
      return t.forSec + 3_600;
  }
}

/**
 * Rebuilds the conditions' windows after a start or a takeover: replays, oldest first, the
 * events logged before position `through` (inclusive) within the longest lookback of the rules,
 * at most WARMUP_MAX_EVENTS of them (the newest). Firings during the replay are dropped: they
 * were queued when the events were first read. Returns how many events were replayed.
 */
export async function warmUpConditions(
  log: EventLog,
  matcher: RuleMatcher,
  rules: readonly AlertRule[],
  through: number,
  nowMs: number,
  signal: AbortSignal,
): Promise<number> {
  const conditioned = rules.filter((r) => r.enabled && r.threshold !== null);
  if (conditioned.length === 0 || through <= 0) return 0;
  const spanSec = Math.max(...conditioned.map((r) => (r.threshold ? lookbackSec(r.threshold) : 0)));
  // Only the types the rules name, when every one names some.
  const types = conditioned.every((r) => r.match.types !== undefined)
    ? [...new Set(conditioned.flatMap((r) => r.match.types ?? []))]
    : undefined;
  const since = new Date(nowMs - spanSec * 1000).toISOString();
  const newestFirst: LoggedEvent[] = [];
  let before = through + 1;
  while (!signal.aborted && newestFirst.length < WARMUP_MAX_EVENTS) {
    const page = await log.query({
      ...(types ? { types } : {}),
      since,
      beforeSeq: before,
      order: 'desc',
      limit: Math.min(PAGE, WARMUP_MAX_EVENTS - newestFirst.length),
    });
    const oldest = page[page.length - 1];
    if (!oldest) break;
    newestFirst.push(...page);
    before = oldest.seq;
    if (page.length < PAGE) break;
  }
  matcher.setRules(rules);
  for (let i = newestFirst.length - 1; i >= 0 && !signal.aborted; i--) {
    const event = newestFirst[i];
    if (event) matcher.match(event);
  }
  return newestFirst.length;
}
