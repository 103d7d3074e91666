/**
 * A typed REST client over the route table: `api.getZone({ params: { zone } })`. Paths, params,
 * query and body are checked by the compiler; with `validate` the answer is parsed with the
 * route's response schema, so a server and client that drift apart fail loudly (the dashboard
 * turns it on in development, the CLI always). The transport does the HTTP (auth, retries,
 * error bodies), so the dashboard and the CLI keep their own.
 */
import type { z } from 'zod';
import {
  buildPath,
  type HttpMethod,
  type RouteContract,
  type RouteInput,
  type RouteOutput,
} from './contract.js';
import type { EventPage } from './event-schemas.js';
import { routes, type RouteName, type Routes } from './routes.js';

export interface RestRequest {
  route: RouteName;
  method: HttpMethod;
  /** The path with its parameters filled in, without the query string. */
  path: string;
  /** Query parameters, already strings; empty values left out. */
  query: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Sends one request. Resolves with the parsed JSON body (undefined when there is none); rejects
 * (with the caller's own error type) for any non-2xx answer.
 */
export type RestTransport = (request: RestRequest) => Promise<unknown>;

export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * Client-side views where the route's schema is looser than what the server guarantees: event
 * `data` is checked per type by the catalogue when the server builds it.
 */
interface ResponseViews {
  listEvents: EventPage;
}

export type ResponseOf<K extends RouteName> = K extends keyof ResponseViews
  ? ResponseViews[K]
  : RouteOutput<Routes[K]>;
export type BodyOf<K extends RouteName> = RouteInput<Routes[K]>['body'];

type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
export type CallArgs<R extends RouteContract> = [RequiredKeys<RouteInput<R>>] extends [never]
  ? [input?: RouteInput<R> & CallOptions]
  : [input: RouteInput<R> & CallOptions];

export type RestClient = {
  [K in RouteName]: (...args: CallArgs<Routes[K]>) => Promise<ResponseOf<K>>;
};

/** One route's contract, widened: indexing `routes` by a generic name is a union too large to check. */
function contractOf(name: RouteName): RouteContract {
  const all: Readonly<Record<RouteName, RouteContract>> = routes;
  return all[name];
}

export class RestContractError extends Error {
  constructor(
    readonly route: RouteName,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(
      `${route}: the answer does not match the contract: ` +
        issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
          .join('; '),
    );
    this.name = 'RestContractError';
  }
}

export interface RestClientOptions {
  /** Parse every answer with its response schema (development builds, the CLI). */
  validate: boolean;
}

/** The request for a call, typed by its route: what a transport sends. */
export function restRequest<K extends RouteName>(
  name: K,
  ...args: CallArgs<Routes[K]>
): RestRequest {
  const contract = contractOf(name);
  // Widened first: the input union over every route is too large for the checker.
  const [first]: readonly unknown[] = args;
  const given = (first ?? {}) as Input;
  return {
    route: name,
    method: contract.method,
    path: buildPath(contract.path, given.params),
    query: queryOf(given.query),
    ...(given.body !== undefined ? { body: given.body } : {}),
    ...(given.signal ? { signal: given.signal } : {}),
  };
}

/** Parses a success answer with its route's response schema; throws RestContractError. */
export function parseResponse<K extends RouteName>(name: K, body: unknown): ResponseOf<K> {
  const contract = contractOf(name);
  if (contract.status === 204) return undefined as ResponseOf<K>;
  const parsed = contract.response.safeParse(body);
  if (!parsed.success) throw new RestContractError(name, parsed.error.issues);
  // The route's schema produced it; event data is checked by the catalogue (ResponseViews).
  return parsed.data as ResponseOf<K>;
}

export function createRestClient(transport: RestTransport, options: RestClientOptions): RestClient {
  const client: Partial<Record<RouteName, (input?: Input) => Promise<unknown>>> = {};
  for (const name of Object.keys(routes) as RouteName[]) {
    client[name] = async (input: Input = {}) => {
      const request = restRequest(name, input as never);
      const answer = await transport(request);
      return options.validate ? parseResponse(name, answer) : answer;
    };
  }
  // Every route name got its function above, with the types RestClient states for it.
  return client as RestClient;
}

interface Input {
  params?: Readonly<Record<string, unknown>>;
  query?: Readonly<Record<string, unknown>>;
  body?: unknown;
  signal?: AbortSignal;
}

/** Lists travel comma-separated (the server's `csv` query parameters); empty values are left out. */
function queryOf(query: Input['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = Array.isArray(v) ? v.map(scalar).join(',') : scalar(v);
  }
  return out;
}

function scalar(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`query values must be strings, numbers or booleans, not ${typeof v}`);
}
