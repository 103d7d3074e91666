/** The event-catalogue and legacy sections of docs/protocol.md. */
import { EVENT_CATALOGUE, EVENT_TYPES, SUBSCRIBE_ALL, TRAFFIC_EVENT_TYPES } from './catalogue.js';
import { CATEGORIES, PRIORITIES } from './categories.js';
import { code, fieldTable, jsonBlock, table } from './docs-markdown.js';
import { EXAMPLE_EVENTS } from './examples.js';
import { ACTOR_USERNAME_ROLE, REDACTED, TEXT_SCRUB_ROLE } from './redaction.js';
import {
  PRUNE_EVERY_MAX_APPENDS,
  PRUNE_INTERVAL_MAX_MS,
  PRUNE_INTERVAL_MIN_MS,
} from './retention.js';
import { IP_MARKER, SECRET_MARKER } from './text-scrub.js';
import { describeFields } from './schema-describe.js';

function sensitiveText(sensitive: Readonly<Record<string, string>>): string {
  return Object.entries(sensitive)
    .map(([path, role]) => `${code(path)} (${role}+)`)
    .join(', ');
}

function coalesceText(by: readonly string[] | undefined): string {
  if (by === undefined) return '';
  return by.length === 0 ? 'one per type' : by.map(code).join(' + ');
}

export function renderCatalogue(): string {
  const out: string[] = [];
  out.push(
    '## Event catalogue',
    '',
    `Categories: ${CATEGORIES.map(code).join(', ')}. Priorities, most urgent first: ${PRIORITIES.map(code).join(', ')}.`,
    `Subscription items are event types, categories, or ${code(SUBSCRIBE_ALL)} (everything the reader may receive).`,
    '',
    'Rules every reader and publisher relies on:',
    '',
    "- **Least role.** A reader below the entry's least role never receives the event. Subscribing to it by name is rejected with `forbidden`; categories and `*` expand only to the types the reader may receive.",
    '- **Zone scope.** For zone-scoped events `data.zone` (and `meta.zone`) names the zone. Readers with zone grants receive only events of granted zones; `zone: null` means server-wide and is delivered to every reader that passes the role check. Admins are never narrowed.',
    `- **Redaction.** A sensitive field lists the least role that sees its value; other readers receive the string ${code(REDACTED)} in its place and the path in \`meta.redacted\`. Paths are dot-separated property names into \`data\`; a segment ending in \`[]\` applies to every element of that array (\`topClients[].ip\`). Absent or null values stay as they are. Sensitive fields are strings, so redacted payloads still match the schema.`,
    `- **Free text.** String fields that are neither sensitive nor listed as verbatim (messages, titles, reasons, ids) are free text. Readers below ${code(TEXT_SCRUB_ROLE)} receive them with every IPv4/IPv6 address replaced by ${code(IP_MARKER)}, credentials (JWTs, \`Bearer\`/\`Basic\` credentials, \`secret "…"\` key clauses, the value of \`password=\`, \`token:\`, \`api_key=\` and similar pairs) by ${code(SECRET_MARKER)}, and any value the reader may not see (a redacted field's value, a hidden username) by ${code(REDACTED)} (or as many \`*\` when the value is shorter); the path is listed in \`meta.redacted\`. So a message cannot repeat what a redacted field hides. Verbatim fields are DNS data every reader also gets over REST (zone and record names, record values, forwarder addresses, query names, zone descriptions, RPZ rules, broadcast text) and are never changed.`,
    `- **Actor.** \`meta.actor.username\` is ${code(REDACTED)} for readers below ${code(ACTOR_USERNAME_ROLE)}, as usernames are in \`user_login\` and the other user events; \`meta.actor.id\` stays, so a client can still tell its own changes from others'.`,
    `- **Retention.** Traffic events (${TRAFFIC_EVENT_TYPES.map(code).join(', ')}) are caused by DNS clients at will, up to hundreds a second. The event log keeps them in a retention pool of their own (\`HDNS_TRAFFIC_EVENT_RETENTION\`, \`HDNS_TRAFFIC_EVENT_RETENTION_COUNT\`), pruned apart from every other event (\`HDNS_EVENT_RETENTION\`, \`HDNS_EVENT_RETENTION_COUNT\`): a flood of them never pushes zone, security or user history out, and a client subscribed to them resumes only within their shorter horizon. Retention is enforced within a bounded delay: the log is pruned on a timer whose interval is a tenth of the shortest age limit, kept between ${PRUNE_INTERVAL_MIN_MS / 1000} s and ${PRUNE_INTERVAL_MAX_MS / 1000} s (6 s for the smallest setting, 60 s), and also by count every tenth of the smallest count limit in appends (at most every ${PRUNE_EVERY_MAX_APPENDS}). An event past its pool's age or count limit is removed, and a resume from a position before it answered \`too_old\`, no later than one interval after it crossed the limit.`,
    '- **Coalescing.** Latest-value events name a coalesce key (the listed `data` fields; "one per type" when none). When a client falls behind, a queued event is replaced by a newer one with the same type and key, and the client receives a `gap` frame with reason `coalesced`. Events without a key are never coalesced; `low` priority events may be shed (`gap` reason `shed`); `critical` events are never shed and bypass batching.',
    '',
    table(
      [
        'event',
        'category',
        'priority',
        'least role',
        'zone-scoped',
        'sensitive (who sees)',
        'verbatim',
        'coalesce key',
        'description',
      ],
      EVENT_TYPES.map((t) => {
        const s = EVENT_CATALOGUE[t];
        return [
          code(t),
          s.category,
          s.priority,
          s.minRole,
          s.zoneScoped ? 'yes' : 'no',
          sensitiveText(s.sensitive),
          (s.verbatim ?? []).map(code).join(', '),
          coalesceText(s.coalesceBy),
          s.description,
        ];
      }),
    ),
    '',
    '### Event payloads',
  );
  for (const type of EVENT_TYPES) {
    const spec = EVENT_CATALOGUE[type];
    out.push(
      '',
      `#### ${code(type)}`,
      '',
      spec.description,
      '',
      fieldTable(
        describeFields(spec.schema).map((row) => {
          const role = spec.sensitive[row.path];
          if (role !== undefined)
            return { ...row, description: `sensitive: ${role}+ sees the value` };
          const verbatim = spec.verbatim ?? [];
          if (verbatim.includes(row.path) || verbatim.includes(`${row.path}[]`)) {
            const note = 'verbatim to every reader';
            return { ...row, description: row.description ? `${row.description} (${note})` : note };
          }
          return row;
        }),
      ),
      '',
      jsonBlock(EXAMPLE_EVENTS[type]),
    );
  }
  return out.join('\n');
}

// The legacy section has its own file; re-exported where docs.ts has always found it.
export { renderLegacy } from './docs-legacy.js';
