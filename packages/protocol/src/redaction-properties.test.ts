import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE, EVENT_TYPES, parseEventData, type EventType } from './catalogue.js';
import { EXAMPLE_EVENTS } from './examples.js';
import { canReceive, hiddenPathsFor, projectEvent } from './redaction.js';
import { ROLES, roleAtLeast, type Role } from './roles.js';
import { describeFields } from './schema-describe.js';

/**
 * Issue 11, item 8: over every event type in the catalogue, payloads from the catalogue example
 * with an IP address, a credential and a username planted into every string field the schema
 * lets them into (added where the field is optional and absent), and the actor's username in
 * `meta.actor`. For each role that may receive the event, the projection the hub sends
 * (`projectEvent`) must:
 * - still match the event schema;
 * - for a viewer: hold no IPv4/IPv6 address and no planted credential outside the
 *   catalogue's `verbatim` fields (zone data such as record values) and `sensitive` fields
 *   (structured values the role either may see or gets as REDACTED);
 * - below the role that sees `user_login.username` (the catalogue's rule for usernames): hold
 *   the actor's username nowhere, neither in `meta.actor` nor in any non-verbatim field;
 * - hold no value of a field hidden from the role anywhere outside verbatim fields.
 * Fixed seed, so a failure reproduces; the seed and the shrunk payload are in the report.
 */

interface Plant {
  ip: string;
  /** The credential as written in the text, and the part that must not be seen. */
  secret: { text: string; value: string };
  username: string;
  before: string;
  after: string;
  sep: [string, string, string];
}

const SEPARATORS = [' ', ', ', ' (', ') ', ': ', ' [', '] ', ' "', '" ', ' #', ' / ', '; '];
const token = fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/);
const b64url = fc.stringMatching(/^[A-Za-z0-9_-]{8,60}$/);
const secretArb = fc.oneof(
  fc
    .tuple(b64url, b64url, b64url)
    .map(([a, b, c]) => ({ text: `eyJ${a}.${b}.${c}`, value: `eyJ${a}.${b}.${c}` })),
  fc
    .tuple(fc.constantFrom('password', 'token', 'api_key', 'secret', 'passwd', 'apiKey'), token)
    .chain(([name, value]) =>
      fc
        .constantFrom(`${name}=${value}`, `${name}: ${value}`, `${name}="${value}"`)
        .map((text) => ({ text, value })),
    ),
  token.map((value) => ({ text: `secret "${value}";`, value })),
  token.map((value) => ({ text: `Authorization: Bearer ${value}`, value })),
);
const plantArb: fc.Arbitrary<Plant> = fc.record({
  ip: fc.oneof(fc.ipV4(), fc.ipV6()),
  secret: secretArb,
  // A digit makes sure the name cannot hide inside a marker such as "[redacted]".
  username: fc.stringMatching(/^[a-z]{2,8}[0-9]{1,3}$/),
  // Filler without digits, hex letters or colons: it can neither form nor extend an address.
  before: fc.stringMatching(/^[g-z ]{0,10}$/),
  after: fc.stringMatching(/^[g-z ]{0,10}$/),
  sep: fc.tuple(
    fc.constantFrom(...SEPARATORS),
    fc.constantFrom(...SEPARATORS),
    fc.constantFrom(...SEPARATORS),
  ),
});

/** The texts to try in one field, most planted first; the first the schema accepts stays. */
function candidates(p: Plant): string[] {
  const [a, b, c] = p.sep;
  return [
    `${p.before}${a}${p.ip}${b}${p.secret.text}${c}${p.username}${a}${p.after}`,
    `${p.ip}${b}${p.username}`,
    p.ip,
    p.secret.text,
    p.username,
  ];
}

type Json = Record<string, unknown>;

/** Usernames are shown from this role up, as the catalogue says for user_login. */
const USERNAME_ROLE: Role = EVENT_CATALOGUE.user_login.sensitive.username ?? 'admin';

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `text` at every place `path` names (creating an absent last field, one array item). */
function plantAt(value: unknown, segments: readonly string[], text: string): void {
  const [head, ...rest] = segments;
  if (head === undefined || !isJson(value)) return;
  const each = head.endsWith('[]');
  const name = each ? head.slice(0, -2) : head;
  if (!each) {
    if (rest.length === 0) value[name] = text;
    else plantAt(value[name], rest, text);
    return;
  }
  const list = value[name];
  if (!Array.isArray(list)) return;
  if (rest.length === 0) {
    if (list.length === 0) list.push(text);
    for (let i = 0; i < list.length; i++) list[i] = text;
  } else {
    for (const item of list) plantAt(item, rest, text);
  }
}

const STRING_TYPES = new Set(['string', 'string | null', 'string[]', 'string[] | null']);

function stringPaths(type: EventType): string[] {
  return describeFields(EVENT_CATALOGUE[type].schema)
    .filter((row) => STRING_TYPES.has(row.type))
    .map((row) => (row.type.startsWith('string[]') ? `${row.path}[]` : row.path));
}

/** The example with each string field planted (one plant per field, cycled). */
function plantedPayload(
  type: EventType,
  plants: readonly Plant[],
): { data: Json; planted: string[] } {
  let data = structuredClone(EXAMPLE_EVENTS[type]) as Json;
  const planted: string[] = [];
  stringPaths(type).forEach((path, i) => {
    const plant = plants[i % plants.length];
    if (!plant) return;
    for (const text of candidates(plant)) {
      const next = structuredClone(data);
      plantAt(next, path.split('.'), text);
      if (parseEventData(type, next).ok) {
        data = next;
        planted.push(path);
        return;
      }
    }
  });
  return { data, planted };
}

/** Every string in `value` with its catalogue path (`a.b`, `list[].c`, `names[]`). */
function strings(value: unknown, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item) => strings(item, `${path}[]`));
  if (!isJson(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => strings(v, path === '' ? k : `${path}.${k}`));
}

/** Independent of the scrubber: node's own parser over every token between separators. */
function addressesIn(text: string): string[] {
  return text
    .split(/[\s,;()[\]"'#/=]+/)
    .flatMap((t) => [t, t.replace(/[.:]+$/, '')])
    .filter((t) => t.length > 0 && isIP(t.split('%')[0] ?? '') !== 0);
}

function receivers(type: EventType, data: unknown): Role[] {
  return ROLES.filter((role) => canReceive(type, data, { role, zones: null }));
}

describe('every reader projection hides addresses, credentials and usernames', () => {
  it('plants reach free text in every event type a viewer receives', () => {
    // Guards the test itself: each viewer-visible type has string fields that get planted.
    for (const type of EVENT_TYPES) {
      if (!receivers(type, EXAMPLE_EVENTS[type]).includes('viewer')) continue;
      const plant = fc.sample(plantArb, { numRuns: 1, seed: 7 })[0];
      const { planted } = plantedPayload(type, plant ? [plant] : []);
      expect([type, planted.length > 0]).toEqual([type, true]);
    }
  });

  it('verbatim paths name string fields of their schema and are never sensitive', () => {
    for (const type of EVENT_TYPES) {
      const spec = EVENT_CATALOGUE[type];
      const fields = new Set(stringPaths(type));
      for (const path of spec.verbatim ?? []) {
        expect([type, path, fields.has(path)]).toEqual([type, path, true]);
        expect([type, path, path in spec.sensitive]).toEqual([type, path, false]);
      }
    }
  });

  for (const type of EVENT_TYPES) {
    it(`${type}`, () => {
      const spec = EVENT_CATALOGUE[type];
      // Verbatim fields are zone data; sensitive fields are structured values (addresses) that
      // a reader either may see as they are or gets as REDACTED.
      const shown = new Set([...(spec.verbatim ?? []), ...Object.keys(spec.sensitive)]);
      fc.assert(
        fc.property(fc.array(plantArb, { minLength: 1, maxLength: 6 }), (plants) => {
          const { data } = plantedPayload(type, plants);
          const actor = plants[0]?.username ?? 'nobody1';
          const meta = { actor: { id: 'u1', username: actor }, zone: null, source: 'api' };
          for (const role of receivers(type, data)) {
            const view = projectEvent(type, data, meta, role);
            expect(parseEventData(type, view.data).ok).toBe(true);
            const leaves = strings(view.data).filter((l) => !shown.has(l.path));
            // Values of fields hidden from this role, as the publisher wrote them.
            const hidden = hiddenPathsFor(type, role).flatMap((p) =>
              strings(data)
                .filter((l) => l.path === p && l.text.length >= 3)
                .map((l) => l.text),
            );
            if (!roleAtLeast(role, USERNAME_ROLE)) {
              expect(view.meta.actor?.username).not.toBe(actor);
              hidden.push(actor);
            }
            for (const leaf of leaves) {
              for (const value of hidden) {
                expect([leaf.path, leaf.text.includes(value)]).toEqual([leaf.path, false]);
              }
              if (role !== 'viewer') continue;
              expect([leaf.path, addressesIn(leaf.text)]).toEqual([leaf.path, []]);
              for (const p of plants) {
                expect([leaf.path, leaf.text.includes(p.ip)]).toEqual([leaf.path, false]);
                expect([leaf.path, leaf.text.includes(p.secret.value)]).toEqual([leaf.path, false]);
              }
            }
          }
        }),
        { seed: 20261104, numRuns: 60 },
      );
    });
  }
});
