/**
 * The history page's filters and their URL form. The URL is the state: a link shares a search,
 * the back button returns to the previous one. Values are kept as the form shows them (strings);
 * the server validates them (one set of rules) and its VALIDATION_ERROR names the field.
 */
import { NAME_MATCHES, QUERY_TRANSPORTS, type QuerySearchInput } from '@hdns/protocol/rest';
import {
  rangeFromParams,
  rangeToParams,
  resolveRange,
  type RangePreset,
  type TimeRange,
} from './time-range';

export type NameMatch = (typeof NAME_MATCHES)[number];
export type BlockedFilter = '' | 'true' | 'false';

export const PAGE_SIZES = [50, 100, 500] as const;
export type PageSize = (typeof PAGE_SIZES)[number];
export const DEFAULT_PAGE_SIZE: PageSize = 100;
export const DEFAULT_RANGE: RangePreset = '1h';

export interface HistoryFilters {
  range: TimeRange;
  /** Address or CIDR prefix. */
  client: string;
  name: string;
  nameMatch: NameMatch;
  /** Comma-separated lists, as the API takes them. */
  qtype: string;
  rcode: string;
  blocked: BlockedFilter;
  /** Milliseconds, as typed. */
  minLatencyMs: string;
  /** One transport or '' for all. */
  transport: string;
  node: string;
}

export const EMPTY_FILTERS: HistoryFilters = {
  range: { kind: 'preset', preset: DEFAULT_RANGE },
  client: '',
  name: '',
  nameMatch: 'suffix',
  qtype: '',
  rcode: '',
  blocked: '',
  minLatencyMs: '',
  transport: '',
  node: '',
};

/** The text filters and their URL parameter names. */
const TEXT_PARAMS = [
  ['client', 'client'],
  ['name', 'name'],
  ['qtype', 'qtype'],
  ['rcode', 'rcode'],
  ['minLatencyMs', 'minLatency'],
  ['node', 'node'],
] as const satisfies readonly (readonly [keyof HistoryFilters, string])[];

const oneOf = <T extends string>(list: readonly T[], v: string | null): v is T =>
  v !== null && (list as readonly string[]).includes(v);

export function filtersFromParams(params: URLSearchParams): HistoryFilters {
  const out: HistoryFilters = { ...EMPTY_FILTERS, range: rangeFromParams(params, DEFAULT_RANGE) };
  for (const [key, param] of TEXT_PARAMS) out[key] = params.get(param)?.trim() ?? '';
  const match = params.get('match');
  if (oneOf(NAME_MATCHES, match)) out.nameMatch = match;
  const blocked = params.get('blocked');
  if (blocked === 'true' || blocked === 'false') out.blocked = blocked;
  const transport = params.get('transport');
  if (oneOf(QUERY_TRANSPORTS, transport)) out.transport = transport;
  return out;
}

export function pageSizeFromParams(params: URLSearchParams): PageSize {
  const n = Number(params.get('size'));
  return PAGE_SIZES.find((s) => s === n) ?? DEFAULT_PAGE_SIZE;
}

/** The URL form; defaults are left out so a plain search has a plain link. */
export function filtersToParams(f: HistoryFilters, pageSize: PageSize): URLSearchParams {
  const params = new URLSearchParams();
  rangeToParams(f.range, params, DEFAULT_RANGE);
  for (const [key, param] of TEXT_PARAMS) {
    const v = f[key].trim();
    if (v) params.set(param, v);
  }
  if (f.name.trim() && f.nameMatch !== EMPTY_FILTERS.nameMatch) params.set('match', f.nameMatch);
  if (f.blocked) params.set('blocked', f.blocked);
  if (f.transport) params.set('transport', f.transport);
  if (pageSize !== DEFAULT_PAGE_SIZE) params.set('size', String(pageSize));
  return params;
}

/** The API query (without cursor and limit) at `now`. */
export function searchOf(f: HistoryFilters, now: number): QuerySearchInput {
  const q: QuerySearchInput = { ...resolveRange(f.range, now) };
  if (f.client) q.client = f.client;
  if (f.name) {
    q.name = f.name;
    q.nameMatch = f.nameMatch;
  }
  if (f.qtype) q.qtype = f.qtype;
  if (f.rcode) q.rcode = f.rcode;
  if (f.blocked) q.blocked = f.blocked;
  // Sent as typed: the server refuses a non-number with VALIDATION_ERROR on minLatencyMs.
  if (f.minLatencyMs) q.minLatencyMs = f.minLatencyMs;
  if (f.transport) q.transport = f.transport;
  if (f.node) q.node = f.node;
  return q;
}

/** How many filters narrow the search beyond the time range (for "Clear"). */
export function activeFilterCount(f: HistoryFilters): number {
  return [
    f.client,
    f.name,
    f.qtype,
    f.rcode,
    f.blocked,
    f.minLatencyMs,
    f.transport,
    f.node,
  ].filter(Boolean).length;
}
