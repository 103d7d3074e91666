/**
 * The alert rule form's state as the inputs hold it (text), and the REST body built from it.
 * Numbers stay text until submit so a half-typed value is not rewritten under the cursor; the
 * server checks ranges and its answer is shown beside the form. Match fields the form does not
 * show (categories, sources) are kept from the edited rule rather than dropped.
 */
import type { EventType, Priority } from '@hdns/protocol';
import type {
  ALERT_GROUP_FIELDS,
  AlertMatch,
  AlertRule,
  AlertRuleInput,
  AlertSeverity,
  AlertThresholdInput,
  AlertWhere,
} from '@hdns/protocol/rest';

export type ConditionKind = 'none' | 'count' | 'ratio' | 'held';
export type GroupField = (typeof ALERT_GROUP_FIELDS)[number];

export interface RuleDraft {
  name: string;
  enabled: boolean;
  types: EventType[];
  minPriority: Priority | '';
  minSeverity: AlertSeverity | '';
  zones: string;
  nodes: string;
  /** `field=v1,v2; field2=v3` */
  where: string;
  /** Confirmed: no event type (or category) filter, the rule looks at every kind of event. */
  matchEverything: boolean;
  kind: ConditionKind;
  count: string;
  windowSec: string;
  forSec: string;
  abovePercent: string;
  minEvents: string;
  whenField: string;
  whenValues: string;
  groupBy: GroupField | '';
  channelIds: string[];
  escalateAfter: string;
  escalateChannel: string;
}

/** A draft the form cannot turn into a body; the message names the input. */
export class DraftError extends Error {}

export function emptyDraft(firstChannel: string | undefined): RuleDraft {
  return {
    name: '',
    enabled: true,
    types: [],
    minPriority: '',
    minSeverity: '',
    zones: '',
    nodes: '',
    where: '',
    matchEverything: false,
    kind: 'none',
    count: '',
    windowSec: '60',
    forSec: '0',
    abovePercent: '',
    minEvents: '10',
    whenField: '',
    whenValues: '',
    groupBy: '',
    channelIds: firstChannel ? [firstChannel] : [],
    escalateAfter: '',
    escalateChannel: '',
  };
}

export function formatWhere(where: AlertWhere | undefined): string {
  if (!where) return '';
  return Object.entries(where)
    .map(([field, values]) => `${field}=${values.join(',')}`)
    .join('; ');
}

/** `blocked=true; rcode=SERVFAIL,REFUSED` → `{blocked: ['true'], rcode: [...]}`; '' → undefined. */
export function parseWhere(text: string, label: string): AlertWhere | undefined {
  const entries = text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part): [string, string[]] => {
      const eq = part.indexOf('=');
      const field = eq < 0 ? '' : part.slice(0, eq).trim();
      const values = splitList(eq < 0 ? '' : part.slice(eq + 1));
      if (!field || values.length === 0) {
        throw new DraftError(
          `${label}: write field=value,value (e.g. blocked=true), not "${part}"`,
        );
      }
      return [field, values];
    });
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function draftFromRule(rule: AlertRule): RuleDraft {
  const m = rule.match;
  const t = rule.threshold;
  const when = t && t.kind !== 'count' ? Object.entries(t.when) : [];
  const [firstWhen] = when;
  return {
    ...emptyDraft(undefined),
    name: rule.name,
    enabled: rule.enabled,
    types: m.types ?? [],
    minPriority: m.minPriority ?? '',
    minSeverity: m.minSeverity ?? '',
    zones: (m.zones ?? []).join(', '),
    nodes: (m.nodes ?? []).join(', '),
    where: formatWhere(m.where),
    // Saved that way (here after the confirmation, or with the CLI/REST): the warning still shows.
    matchEverything: !m.types && !m.categories,
    kind: t?.kind ?? 'none',
    ...(t?.kind === 'count' ? { count: String(t.count), windowSec: String(t.windowSec) } : {}),
    ...(t?.kind === 'ratio'
      ? {
          abovePercent: String(t.abovePercent),
          windowSec: String(t.windowSec),
          forSec: String(t.forSec),
          minEvents: String(t.minEvents),
        }
      : {}),
    ...(t?.kind === 'held' ? { forSec: String(t.forSec) } : {}),
    // A condition written elsewhere (CLI, REST) may test several fields: the form shows them
    // in one `when` text box as `field=v,v; field2=v`.
    whenField: when.length > 1 ? '' : (firstWhen?.[0] ?? ''),
    whenValues:
      when.length > 1 ? formatWhere(Object.fromEntries(when)) : (firstWhen?.[1] ?? []).join(', '),
    groupBy: t?.groupBy ?? '',
    channelIds: rule.channelIds,
    escalateAfter: rule.escalation ? String(rule.escalation.afterMinutes) : '',
    escalateChannel: rule.escalation?.channelId ?? '',
  };
}

function num(label: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new DraftError(`${label}: a number`);
  return n;
}

function whenOf(d: RuleDraft): AlertWhere {
  const where = d.whenField.trim()
    ? { [d.whenField.trim()]: splitList(d.whenValues) }
    : parseWhere(d.whenValues, 'When');
  if (!where || Object.values(where).some((v) => v.length === 0)) {
    throw new DraftError('When: a field name and at least one value');
  }
  return where;
}

export function thresholdOf(d: RuleDraft): AlertThresholdInput | null {
  const group = d.groupBy ? { groupBy: d.groupBy } : {};
  switch (d.kind) {
    case 'none':
      return null;
    case 'count':
      return {
        kind: 'count',
        count: num('Events', d.count),
        windowSec: num('Window', d.windowSec),
        ...group,
      };
    case 'ratio':
      return {
        kind: 'ratio',
        when: whenOf(d),
        abovePercent: num('Above %', d.abovePercent),
        windowSec: num('Window', d.windowSec),
        forSec: num('For', d.forSec),
        minEvents: num('At least events', d.minEvents),
        ...group,
      };
    case 'held':
      return { kind: 'held', when: whenOf(d), forSec: num('For', d.forSec), ...group };
  }
}

/** No event type and no category filter (`base` keeps the categories the form hides). */
export function matchesEveryType(d: RuleDraft, base?: AlertRule): boolean {
  return d.types.length === 0 && !base?.match.categories;
}

/**
 * What the form says beside the filters when the rule has no event type filter: every event
 * (queries included: one event per DNS query) goes through it. Undefined when a type is chosen.
 */
export function everyEventWarning(d: RuleDraft, base?: AlertRule): string | undefined {
  if (!matchesEveryType(d, base)) return undefined;
  const narrowed =
    d.minPriority !== '' ||
    d.minSeverity !== '' ||
    splitList(d.zones).length > 0 ||
    splitList(d.nodes).length > 0 ||
    d.where.trim() !== '' ||
    base?.match.sources !== undefined;
  const sent = d.kind === 'none' ? ', each one sent to the rule’s channels' : '';
  return narrowed
    ? `No event type filter: this rule matches every kind of event that passes the other filters, possibly including the live query log (one event per DNS query)${sent}.`
    : `No filter: this rule matches every event, including the live query log (one event per DNS query)${sent}.`;
}

export const MATCH_EVERYTHING_LABEL = 'Match every event type';

/** The full body (create, or every field of a PATCH); `base` keeps what the form hides. */
export function ruleBody(d: RuleDraft, base?: AlertRule): Required<AlertRuleInput> {
  if (matchesEveryType(d, base) && !d.matchEverything) {
    throw new DraftError(
      `Event types: choose at least one, or tick "${MATCH_EVERYTHING_LABEL}" to send every event, the live query log included`,
    );
  }
  const zones = splitList(d.zones);
  const nodes = splitList(d.nodes);
  const where = parseWhere(d.where, 'Data test');
  const match: AlertMatch = {
    ...(base?.match.categories ? { categories: base.match.categories } : {}),
    ...(base?.match.sources ? { sources: base.match.sources } : {}),
    ...(d.types.length > 0 ? { types: d.types } : {}),
    ...(d.minPriority ? { minPriority: d.minPriority } : {}),
    ...(d.minSeverity ? { minSeverity: d.minSeverity } : {}),
    ...(zones.length > 0 ? { zones } : {}),
    ...(nodes.length > 0 ? { nodes } : {}),
    ...(where ? { where } : {}),
  };
  const escalation =
    d.escalateChannel === ''
      ? null
      : { afterMinutes: num('Escalate after', d.escalateAfter), channelId: d.escalateChannel };
  return {
    name: d.name.trim(),
    enabled: d.enabled,
    match,
    threshold: thresholdOf(d),
    channelIds: d.channelIds,
    escalation,
  };
}
