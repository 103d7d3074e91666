/**
 * The time range of a search: a preset relative to now, or a custom from/to. It lives in the
 * URL (`range=1h`, or `range=custom&from=…&to=…` with ISO times, so a shared link means the same
 * instants in every time zone); the form edits datetime-local strings (local time).
 */

export const RANGE_PRESETS = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number]['id'];

export type TimeRange =
  | { kind: 'preset'; preset: RangePreset }
  | { kind: 'custom'; from: string | undefined; to: string | undefined };

const isPreset = (s: string | null): s is RangePreset => RANGE_PRESETS.some((p) => p.id === s);

/** An ISO time the API accepts, or undefined for anything else (a hand-edited URL). */
function isoOrUndefined(s: string | null): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export function rangeFromParams(params: URLSearchParams, fallback: RangePreset): TimeRange {
  const range = params.get('range');
  if (range === 'custom') {
    return {
      kind: 'custom',
      from: isoOrUndefined(params.get('from')),
      to: isoOrUndefined(params.get('to')),
    };
  }
  return { kind: 'preset', preset: isPreset(range) ? range : fallback };
}

/** Writes the range into `params`; the fallback preset is left out (shorter links). */
export function rangeToParams(
  range: TimeRange,
  params: URLSearchParams,
  fallback: RangePreset,
): void {
  if (range.kind === 'preset') {
    if (range.preset !== fallback) params.set('range', range.preset);
    return;
  }
  params.set('range', 'custom');
  if (range.from) params.set('from', range.from);
  if (range.to) params.set('to', range.to);
}

/**
 * The API's from/to at `now`. A preset has no `to`: the newest page shows what arrived since
 * (the browser's clock may be behind the server's), and older pages follow cursors, which are
 * positions in the store and so stay put whatever arrives.
 */
export function resolveRange(range: TimeRange, now: number): { from?: string; to?: string } {
  if (range.kind === 'custom') {
    return { ...(range.from ? { from: range.from } : {}), ...(range.to ? { to: range.to } : {}) };
  }
  const ms = RANGE_PRESETS.find((p) => p.id === range.preset)?.ms ?? 86_400_000;
  return { from: new Date(now - ms).toISOString() };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** An ISO time as a datetime-local value (local time, minutes). */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value (local time) as an ISO time; undefined when empty or invalid. */
export function fromLocalInput(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function describeRange(range: TimeRange): string {
  if (range.kind === 'preset') {
    return RANGE_PRESETS.find((p) => p.id === range.preset)?.label ?? range.preset;
  }
  const f = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '…');
  return `${f(range.from)} – ${f(range.to)}`;
}
