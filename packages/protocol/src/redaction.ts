/**
 * Per-reader projection of event payloads, coalesce keys and the zone rule: the pure functions
 * behind the hub's Redactor, Dispatcher and Authorizer, kept here so the rules live next to the
 * catalogue that declares them.
 *
 * Path rule (catalogue `sensitive` and `verbatim` keys): dot-separated property names into
 * `data`; a segment ending in `[]` applies the rest of the path to every element of that array.
 * Example: `topClients[].ip`. A value that is absent or null stays as it is (nothing to hide).
 *
 * A reader's projection (`projectEvent`) applies three rules:
 * 1. sensitive fields below the reader's role become REDACTED;
 * 2. free text (string fields neither sensitive nor verbatim) is scrubbed for readers below
 *    TEXT_SCRUB_ROLE: addresses, credentials and the hidden values of rule 1 and 3 are replaced,
 *    so a message cannot repeat what a redacted field holds; readers at or above it still get
 *    the hidden values of rules 1 and 3 replaced in free text;
 * 3. `meta.actor.username` becomes REDACTED below ACTOR_USERNAME_ROLE. Usernames are personal
 *    data: `user_login` and the other user events show them to admins only, so the actor of a
 *    change is named to admins only too. `meta.actor.id` stays (an opaque id, which lets a
 *    client tell its own changes from others').
 */
import { EVENT_CATALOGUE, type EventType } from './catalogue.js';
import { roleAtLeast, type Role } from './roles.js';
import { collectStrings, scrubTree } from './scrub-tree.js';
import { scrubText, scrubValues } from './text-scrub.js';

/** Readers below this role get free text with addresses and credentials replaced. */
export const TEXT_SCRUB_ROLE: Role = 'operator';

/** Readers below this role get `meta.actor.username` as REDACTED (as `user_login.username`). */
export const ACTOR_USERNAME_ROLE: Role = 'admin';

/** What a reader below a field's role sees instead of the value. */
export const REDACTED = '[redacted]';

/** Sensitive paths of `type` that `role` may not see, in catalogue order. */
export function hiddenPathsFor(type: EventType, role: Role): readonly string[] {
  const sensitive = EVENT_CATALOGUE[type].sensitive;
  return Object.keys(sensitive).filter((path) => {
    const least = sensitive[path];
    return least !== undefined && !roleAtLeast(role, least);
  });
}

/**
 * Names the projection `role` gets of `type`: readers with equal variants receive byte-identical
 * frames, so the hub encodes an event once per variant. `''` is the unredacted variant; the
 * hidden paths are followed by `|text` when free text is scrubbed and `|actor` when the actor's
 * username is hidden. `hasActor: false` (an event without `meta.actor`, e.g. from a monitor)
 * lets the roles that differ only in that share one variant.
 */
export function redactionVariant(type: EventType, role: Role, hasActor = true): string {
  // Hot path (once per session per event): the catalogue is static, so memoize.
  const key = `${type}\u0000${role}\u0000${hasActor ? 1 : 0}`;
  let variant = VARIANTS.get(key);
  if (variant === undefined) {
    variant = hiddenPathsFor(type, role).join(',');
    if (!roleAtLeast(role, TEXT_SCRUB_ROLE)) variant += '|text';
    if (hasActor && !roleAtLeast(role, ACTOR_USERNAME_ROLE)) variant += '|actor';
    VARIANTS.set(key, variant);
  }
  return variant;
}

const VARIANTS = new Map<string, string>();

export interface Redacted {
  /** A copy with hidden values replaced; the input is never mutated (it is shared by readers). */
  data: unknown;
  /** Paths that held a value and were replaced; goes into `meta.redacted`. */
  redacted: string[];
}

/**
 * The data `role` may see (rules 1 and 2 of the file comment). `hiddenNames`: usernames hidden
 * from `role` (the actor's), replaced in free text where they stand as whole tokens only
 * (text-scrub.ts `nameToken`), so a user named `com` does not garble "zone x.com removed".
 */
export function redactEventData(
  type: EventType,
  data: unknown,
  role: Role,
  hiddenNames: readonly string[] = [],
): Redacted {
  let out = data;
  const redacted: string[] = [];
  const hiddenValues: string[] = [];
  const names = hiddenNames.filter((n) => n !== REDACTED);
  for (const path of hiddenPathsFor(type, role)) {
    collectStrings(out, splitPath(path), hiddenValues);
    const next = redactPath(out, splitPath(path));
    if (next !== out) {
      out = next;
      redacted.push(path);
    }
  }
  const scrubAll = !roleAtLeast(role, TEXT_SCRUB_ROLE);
  if (scrubAll || hiddenValues.length > 0 || names.length > 0) {
    const spec = EVENT_CATALOGUE[type];
    const skip = new Set<string>([...Object.keys(spec.sensitive), ...(spec.verbatim ?? [])]);
    const values = hiddenValues.filter((v) => v !== REDACTED);
    const scrubbed = scrubTree(out, '', skip, (text) =>
      scrubAll ? scrubText(text, values, names) : scrubValues(text, values, names),
    );
    if (scrubbed.changed.length > 0) {
      out = scrubbed.value;
      redacted.push(...scrubbed.changed);
    }
  }
  return { data: out, redacted };
}

/** An event's `meta` as far as projection is concerned. */
export interface ProjectableMeta {
  actor?: { id: string; username: string } | null;
}

/**
 * The whole projection of one event for `role`: data as `redactEventData`, and `meta` with the
 * actor's username hidden below ACTOR_USERNAME_ROLE (rule 3). `meta` is copied only when it
 * changes; `redacted` lists the data paths replaced (it goes into `meta.redacted`).
 */
export function projectEvent<M extends ProjectableMeta>(
  type: EventType,
  data: unknown,
  meta: M,
  role: Role,
): { data: unknown; meta: M; redacted: string[] } {
  const actor = meta.actor;
  const hideActor =
    !roleAtLeast(role, ACTOR_USERNAME_ROLE) &&
    actor !== null &&
    actor !== undefined &&
    actor.username !== REDACTED;
  const { data: projected, redacted } = redactEventData(
    type,
    data,
    role,
    hideActor ? [actor.username] : [],
  );
  return {
    data: projected,
    meta: hideActor ? { ...meta, actor: { ...actor, username: REDACTED } } : meta,
    redacted,
  };
}

interface Segment {
  name: string;
  each: boolean;
}

export function splitPath(path: string): Segment[] {
  return path
    .split('.')
    .map((s) =>
      s.endsWith('[]') ? { name: s.slice(0, -2), each: true } : { name: s, each: false },
    );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copy-on-write: returns the same reference when nothing under the path was replaced. */
function redactPath(value: unknown, segments: readonly Segment[]): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) {
    // Any non-empty value is hidden, even a mistyped one: failing closed never leaks.
    return value === undefined || value === null || value === REDACTED ? value : REDACTED;
  }
  if (!isRecord(value) || !Object.hasOwn(value, head.name)) return value;
  const child = value[head.name];
  let replaced: unknown;
  if (head.each) {
    if (!Array.isArray(child)) return value;
    let changed = false;
    const items = child.map((item: unknown) => {
      const r = redactPath(item, rest);
      if (r !== item) changed = true;
      return r;
    });
    replaced = changed ? items : child;
  } else {
    replaced = redactPath(child, rest);
  }
  return replaced === child ? value : { ...value, [head.name]: replaced };
}

/**
 * Coalesce key of a latest-value event, or `undefined` when the type never coalesces.
 * Two queued events with the same key: only the newer one needs delivering.
 */
export function coalesceKeyOf(type: EventType, data: unknown): string | undefined {
  const by = EVENT_CATALOGUE[type].coalesceBy;
  if (by === undefined) return undefined;
  if (by.length === 0) return type;
  const values = by.map((field) => (isRecord(data) ? (data[field] ?? null) : null));
  return `${type}:${JSON.stringify(values)}`;
}

/**
 * The zone a zone-scoped event concerns: a name, `null` for server-wide (visible to every reader
 * that passes `minRole`), or `undefined` when the type is not zone-scoped.
 */
export function eventZone(type: EventType, data: unknown): string | null | undefined {
  if (!EVENT_CATALOGUE[type].zoneScoped) return undefined;
  const zone = isRecord(data) ? data.zone : undefined;
  return typeof zone === 'string' ? zone : null;
}

export interface Reader {
  role: Role;
  /** Zone grants; null means every zone. Admins are never narrowed. */
  zones: readonly string[] | null;
}

/**
 * The catalogue's visibility rule: role at least `minRole`, and for zone-scoped events with a
 * zone, the reader is an admin, has no zone grants, or holds a grant for that zone. Zone names
 * compare case-insensitively and without the trailing dot.
 */
export function canReceive(type: EventType, data: unknown, reader: Reader): boolean {
  if (!roleAtLeast(reader.role, EVENT_CATALOGUE[type].minRole)) return false;
  const zone = eventZone(type, data);
  if (zone === undefined || zone === null) return true;
  if (reader.role === 'admin' || reader.zones === null) return true;
  const wanted = normalizeZone(zone);
  return reader.zones.some((z) => normalizeZone(z) === wanted);
}

export function normalizeZone(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
