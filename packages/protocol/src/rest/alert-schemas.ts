/**
 * Alert rules, notification channels and the delivery log (bodies of /api/alerts). A rule
 * matches logged events; each match becomes one delivery per channel, kept in a persisted queue
 * and retried until delivered or dead.
 */
import { z } from 'zod';
import { EVENT_TYPES } from '../catalogue.js';
import { CATEGORIES, PRIORITIES } from '../categories.js';
import { eventFrame } from '../frames-server.js';

export const ALERT_CHANNEL_KINDS = ['webhook', 'slack', 'teams', 'alertmanager', 'email'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

export const DELIVERY_STATUSES = ['pending', 'sending', 'delivered', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Severity as the events that carry one spell it (`data.severity`). */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Top-level fields of an event's data a condition may keep apart per value (one window each). */
export const ALERT_GROUP_FIELDS = [
  'client',
  'clientIp',
  'forwarderId',
  'zone',
  'source',
  'node',
] as const;

/**
 * A test on an event's top-level data fields: each named field's value, as text (`true`, `42`,
 * `SERVFAIL`), is one of the listed values. Events without the field fail it.
 */
export const alertWhereSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/, 'a top-level data field name'),
    z.array(z.string().max(253)).min(1).max(100),
  )
  .refine((w) => Object.keys(w).length >= 1 && Object.keys(w).length <= 10, {
    message: 'one to ten fields',
  });
export type AlertWhere = z.infer<typeof alertWhereSchema>;

export const alertMatchSchema = z.strictObject({
  /** Any of these event types (omitted: any). */
  types: z.array(z.enum(EVENT_TYPES)).min(1).max(200).optional(),
  categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
  /** At least this urgent (critical > high > normal > low). */
  minPriority: z.enum(PRIORITIES).optional(),
  /** Events with `data.severity` at least this; events without one do not match. */
  minSeverity: z.enum(ALERT_SEVERITIES).optional(),
  /** Only events of these zones (`meta.zone`). */
  zones: z.array(z.string().min(1).max(253)).min(1).max(500).optional(),
  /** Only events from these emitters (`meta.source`: api, monitor, feeds …). */
  sources: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
  /** Only events naming one of these nodes (`data.node`: each query names the named that answered). */
  nodes: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
  /** Only events whose data passes this test, e.g. `{"blocked": ["true"]}`. */
  where: alertWhereSchema.optional(),
});
export type AlertMatch = z.infer<typeof alertMatchSchema>;

/**
 * Fires when at least `count` matching events fall within `windowSec` (per `groupBy` value),
 * then counts afresh: "more than 20 blocked queries from one client in 60 s" is
 * `{count: 21, windowSec: 60, groupBy: "clientIp"}` with `where: {blocked: ["true"]}`.
 * `kind` may be omitted (rules stored before there were other kinds).
 */
export const alertCountConditionSchema = z.strictObject({
  kind: z.literal('count').default('count'),
  count: z.number().int().min(1).max(100_000),
  windowSec: z.number().int().min(1).max(86_400),
  /** Count per value of this data field (e.g. one window per client), not all together. */
  groupBy: z.enum(ALERT_GROUP_FIELDS).optional(),
});

/**
 * A share of the matching events: fires when, over the last `windowSec`, more than
 * `abovePercent` % of them pass `when` (with at least `minEvents` in the window), and that has
 * held for `forSec`. It fires once per episode and again only after the share fell back.
 * "SERVFAIL rate above 5 % for 2 minutes": types `[dns_query_log]`,
 * `{kind: "ratio", when: {rcode: ["SERVFAIL"]}, abovePercent: 5, windowSec: 60, forSec: 120}`.
 */
export const alertRatioConditionSchema = z.strictObject({
  kind: z.literal('ratio'),
  when: alertWhereSchema,
  abovePercent: z.number().min(0).max(100),
  windowSec: z.number().int().min(1).max(3_600),
  forSec: z.number().int().min(0).max(86_400).default(0),
  minEvents: z.number().int().min(1).max(1_000_000).default(10),
  groupBy: z.enum(ALERT_GROUP_FIELDS).optional(),
});

/**
 * A state that lasts: a matching event passing `when` starts a clock (per `groupBy` value); a
 * later matching event of the same group that fails `when` stops it; after `forSec` unstopped
 * the rule fires, once, with the event that started it. "Forwarder down for 60 s": types
 * `[forwarder_status_change]`, `{kind: "held", when: {to: ["down"]}, forSec: 60, groupBy:
 * "forwarderId"}`.
 */
export const alertHeldConditionSchema = z.strictObject({
  kind: z.literal('held'),
  when: alertWhereSchema,
  forSec: z.number().int().min(1).max(86_400),
  groupBy: z.enum(ALERT_GROUP_FIELDS).optional(),
});

/** A rule's condition over its matching events; null fires on every one. */
export const alertThresholdSchema = z.union([
  alertCountConditionSchema,
  alertRatioConditionSchema,
  alertHeldConditionSchema,
]);
export type AlertThreshold = z.infer<typeof alertThresholdSchema>;
export type AlertThresholdInput = z.input<typeof alertThresholdSchema>;

/** What a condition saw when its rule fired (in deliveries and webhook bodies). */
export const alertObservationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('count'),
    count: z.number().int(),
    windowSec: z.number().int(),
    group: z.string().optional(),
  }),
  z.object({
    kind: z.literal('ratio'),
    percent: z.number(),
    hits: z.number().int(),
    events: z.number().int(),
    windowSec: z.number().int(),
    /** How long the share had been above the bar, in seconds. */
    heldSec: z.number(),
    group: z.string().optional(),
  }),
  z.object({
    kind: z.literal('held'),
    heldSec: z.number(),
    /** When the state began (the starting event's time). */
    since: z.string(),
    group: z.string().optional(),
  }),
]);
export type AlertObservation = z.infer<typeof alertObservationSchema>;

export const alertEscalationSchema = z.strictObject({
  /** A critical event nobody acknowledged this long after delivery goes to `channelId`, once. */
  afterMinutes: z.number().min(0.01).max(10_080),
  channelId: z.uuid(),
});

const ruleFields = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean(),
  match: alertMatchSchema,
  threshold: alertThresholdSchema.nullable(),
  channelIds: z.array(z.uuid()).min(1).max(20),
  escalation: alertEscalationSchema.nullable(),
};

export const alertRuleSchema = z
  .object({
    id: z.string(),
    ...ruleFields,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AlertRule' });
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const alertRuleInputSchema = z.strictObject({
  ...ruleFields,
  enabled: ruleFields.enabled.default(true),
  match: ruleFields.match.default({}),
  threshold: ruleFields.threshold.default(null),
  escalation: ruleFields.escalation.default(null),
});
export type AlertRuleInput = z.input<typeof alertRuleInputSchema>;
export const alertRulePatchSchema = z.strictObject(ruleFields).partial();
export const alertRuleListSchema = z.object({ rules: z.array(alertRuleSchema) });

/**
 * Channel settings. `secret` (webhook HMAC key) and `smtpPassword` are write-only: answers say
 * only whether one is set (`hasSecret`, `hasSmtpPassword`).
 */
export const alertChannelConfigSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional()
    .describe('Target of webhook, slack, teams and alertmanager channels'),
  secret: z.string().min(16).max(256).optional().describe('HMAC-SHA256 key (write-only)'),
  smtpHost: z.string().min(1).max(253).optional(),
  smtpPort: z.number().int().min(1).max(65_535).optional(),
  smtpSecure: z.boolean().optional(),
  smtpUser: z.string().max(256).optional(),
  smtpPassword: z.string().max(256).optional().describe('write-only'),
  from: z.email().optional(),
  to: z.array(z.email()).min(1).max(20).optional(),
});
export type AlertChannelConfig = z.infer<typeof alertChannelConfigSchema>;

export const alertChannelConfigViewSchema = alertChannelConfigSchema
  .omit({ secret: true, smtpPassword: true })
  .extend({
    url: z
      .string()
      .max(2000)
      .optional()
      .describe(
        'Target URL; readers below admin see its origin alone (Slack and Teams URLs hold a token)',
      ),
    hasSecret: z.boolean(),
    hasSmtpPassword: z.boolean(),
  });

export const alertChannelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(ALERT_CHANNEL_KINDS),
    enabled: z.boolean(),
    config: alertChannelConfigViewSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'AlertChannel' });
export type AlertChannel = z.infer<typeof alertChannelSchema>;

const channelFields = {
  name: z.string().trim().min(1).max(100),
  kind: z.enum(ALERT_CHANNEL_KINDS),
  enabled: z.boolean(),
  config: alertChannelConfigSchema,
};
export const alertChannelInputSchema = z.strictObject({
  ...channelFields,
  enabled: channelFields.enabled.default(true),
});
export type AlertChannelInput = z.input<typeof alertChannelInputSchema>;
/** `config` replaces the stored one, except that an omitted secret or password is kept. */
export const alertChannelPatchSchema = z.strictObject(channelFields).omit({ kind: true }).partial();
export const alertChannelListSchema = z.object({ channels: z.array(alertChannelSchema) });

export const alertDeliverySchema = z
  .object({
    id: z.string(),
    channelId: z.string(),
    /** null for a test send. */
    ruleId: z.string().nullable(),
    /** The event delivered (null for a test send). */
    eventId: z.string().nullable(),
    /** `alert`, `escalation`, `test` or `resend`. */
    reason: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'AlertDelivery' });
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;

export const alertDeliveryQuerySchema = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  channelId: z.string().max(64).optional(),
  /** Deliveries created before this one (the previous page's `next`). */
  before: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const alertDeliveryPageSchema = z.object({
  deliveries: z.array(alertDeliverySchema),
  /** Pass as `before` for older rows; null at the end. */
  next: z.string().nullable(),
});
export type AlertDeliveryPage = z.infer<typeof alertDeliveryPageSchema>;

export const alertIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** Why a delivery is sent. */
export const ALERT_DELIVERY_REASONS = ['alert', 'escalation', 'test', 'resend'] as const;

/**
 * The JSON body the generic webhook channel POSTs. Headers: `Idempotency-Key` (the delivery
 * id: a retry or resend of the same delivery carries the same key), `X-Hdns-Timestamp` (Unix
 * seconds) and, with a secret, `X-Hdns-Signature: sha256=<hex HMAC-SHA256(secret, timestamp +
 * "." + body)>`; a receiver recomputes it over the raw body and rejects old timestamps.
 */
export const alertWebhookBodySchema = z
  .object({
    deliveryId: z.string(),
    reason: z.enum(ALERT_DELIVERY_REASONS),
    rule: z.object({ id: z.string(), name: z.string() }).nullable(),
    /** One human line, e.g. `[critical] health_alert: named exited [rule: BIND down]`. */
    summary: z.string(),
    /** The event as a WebSocket client receives it, without `type` (null for a test send). */
    event: eventFrame.omit({ type: true }).nullable(),
    /** What the rule's condition saw when it fired (rules with a condition). */
    observed: alertObservationSchema.optional(),
    /** Escalation: minutes the first notification stayed unacknowledged. */
    escalatedAfterMinutes: z.number().optional(),
  })
  .meta({ id: 'AlertWebhookBody' });
export type AlertWebhookBody = z.infer<typeof alertWebhookBodySchema>;
