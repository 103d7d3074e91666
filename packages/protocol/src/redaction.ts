/**
 * Per-reader projection of event payloads, coalesce keys and the zone rule: the pure functions
 * behind the hub's Redactor, Dispatcher and Authorizer, kept here so the rules live next to the
 * catalogue that declares them.
 *
 * Path rule (catalogue `sensitive` keys): dot-separated property names into `data`; a segment
 * ending in `[]` applies the rest of the path to every element of that array. Example:
 * `topClients[].ip`. A value that is absent or null stays as it is (nothing to hide).
 */
import { EVENT_CATALOGUE, type EventType } from './catalogue.js';
import { roleAtLeast, type Role } from './roles.js';

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
 * frames, so the hub encodes an event once per variant. `''` is the unredacted variant.
 */
export function redactionVariant(type: EventType, role: Role): string {
  // Hot path (once per session per event): the catalogue is static, so memoize.
  const key = `${type}\u0000${role}`;
  let variant = VARIANTS.get(key);
  if (variant === undefined) {
    variant = hiddenPathsFor(type, role).join(',');
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

export function redactEventData(type: EventType, data: unknown, role: Role): Redacted {
  let out = data;
  const redacted: string[] = [];
  for (const path of hiddenPathsFor(type, role)) {
    const next = redactPath(out, splitPath(path));
    if (next !== out) {
      out = next;
      redacted.push(path);
    }
  }
  return { data: out, redacted };
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
