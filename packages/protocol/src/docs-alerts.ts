/**
 * The alerting section of docs/protocol.md: what a webhook receiver gets (headers and body) and
 * the rule conditions, rendered from the schemas in rest/alert-schemas.ts.
 */
import { code, fieldTable, jsonBlock, table } from './docs-markdown.js';
import { describeFields } from './schema-describe.js';
import {
  ALERT_CHANNEL_KINDS,
  alertObservationSchema,
  alertWebhookBodySchema,
  type AlertThresholdInput,
} from './rest/alert-schemas.js';
import { describeThreshold } from './rest/alert-rule-summary.js';
import { alertThresholdSchema } from './rest/alert-schemas.js';

const CONDITION_EXAMPLES: readonly {
  say: string;
  match: object;
  threshold: AlertThresholdInput;
}[] = [
  {
    say: 'SERVFAIL rate above 5 % for 2 minutes',
    match: { types: ['dns_query_log'] },
    threshold: {
      kind: 'ratio',
      when: { rcode: ['SERVFAIL'] },
      abovePercent: 5,
      windowSec: 60,
      forSec: 120,
    },
  },
  {
    say: 'forwarder down for 60 s',
    match: { types: ['forwarder_status_change'] },
    threshold: { kind: 'held', when: { to: ['down'] }, forSec: 60, groupBy: 'forwarderId' },
  },
  {
    say: 'more than 20 blocked queries from one client in 60 s',
    match: { types: ['dns_query_log'], where: { blocked: ['true'] } },
    threshold: { kind: 'count', count: 21, windowSec: 60, groupBy: 'clientIp' },
  },
];

/** The documented example body (checked against the schema and the catalogue by a test). */
export const EXAMPLE_WEBHOOK_BODY = {
  deliveryId: '6f1c2d4e-8a9b-4c3d-9e2f-1a2b3c4d5e6f',
  reason: 'alert',
  rule: { id: '0b7c…', name: 'forwarder down' },
  summary:
    '[high] forwarder_status_change (held 60.4 s since 2025-01-15T10:30:00.000Z (f1)) [rule: forwarder down]',
  event: {
    id: '5d0e…',
    seq: 1042,
    event: 'forwarder_status_change',
    category: 'health',
    priority: 'high',
    ts: '2025-01-15T10:30:00.000Z',
    meta: { source: 'monitor' },
    data: {
      forwarderId: 'f1',
      name: 'upstream',
      address: '192.0.2.53',
      from: 'healthy',
      to: 'down',
      latencyMs: null,
    },
  },
  observed: { kind: 'held', heldSec: 60.4, since: '2025-01-15T10:30:00.000Z', group: 'f1' },
};

export function renderAlerting(): string {
  return [
    '## Alert notifications',
    '',
    `Alert rules (\`/api/alerts/rules\`) match logged events and notify channels (${ALERT_CHANNEL_KINDS.map(code).join(', ')}). A rule's \`match\` filters events (types, categories, priority, severity, zones, sources, \`nodes\`: the \`data.node\` of a query, and \`where\`: top-level data fields with their accepted values as text); a query published first as \`partial\` counts only in its complete form. Its optional \`threshold\` is a condition over the matching events:`,
    '',
    table(
      ['kind', 'fires'],
      [
        [
          code('count'),
          'when `count` matching events fall within `windowSec` (per `groupBy` value), then counts afresh',
        ],
        [
          code('ratio'),
          'when more than `abovePercent` % of the matching events in the last `windowSec` pass `when` (at least `minEvents` of them), and that has lasted `forSec`; once per episode',
        ],
        [
          code('held'),
          'when a matching event passing `when` was not followed, within `forSec`, by a matching event of its group that fails `when`; once per state, with the event that began it',
        ],
      ],
    ),
    '',
    'Windows use the events’ own times. One server instance matches at a time; when one starts matching (a start, or a takeover from an instance that stopped) it rebuilds the windows from the event log: each rule’s window and `forSec` back (a `held` state an hour further), at most the newest 50,000 events. Conditions count the events the log holds: a query stream sampled under load (`sampled: k` on `dns_query_log`) counts one event in k, so a `ratio` stays true and a `count` needs k times the traffic. Examples:',
    '',
    table(
      ['rule', '`match`', '`threshold`', 'summary'],
      CONDITION_EXAMPLES.map((e) => [
        e.say,
        code(JSON.stringify(e.match)),
        code(JSON.stringify(e.threshold)),
        describeThreshold(alertThresholdSchema.parse(e.threshold)),
      ]),
    ),
    '',
    '### Webhook body',
    '',
    'The generic `webhook` channel POSTs this JSON with `Content-Type: application/json`, `Idempotency-Key` (the delivery id: retries and re-sends of one delivery carry the same key), `X-Hdns-Timestamp` (Unix seconds) and, when the channel has a secret, `X-Hdns-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`. A receiver recomputes the signature over the raw body, compares it in constant time and rejects old timestamps. Any 2xx answer is a delivery; other answers, timeouts and cut connections are retried with jittered backoff until the delivery is dead.',
    '',
    fieldTable(describeFields(alertWebhookBodySchema)),
    '',
    '`observed` is one of:',
    '',
    ...alertObservationSchema.options.map(
      (o) =>
        `- ${code(String(o.shape.kind.value))}: ${Object.keys(o.shape)
          .filter((k) => k !== 'kind')
          .map(code)
          .join(', ')}`,
    ),
    '',
    'Example:',
    '',
    jsonBlock(EXAMPLE_WEBHOOK_BODY),
  ].join('\n');
}
