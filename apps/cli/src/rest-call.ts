/**
 * REST calls by route name (`callRoute(url, 'me', { token })`), typed by the route table of
 * @hdns/protocol/rest: the compiler checks paths, params and bodies. Every success answer is
 * parsed with its route's schema; one that does not match is treated like a foreign server's.
 */
import {
  parseResponse,
  restRequest,
  RestContractError,
  routes,
  type CallArgs,
  type ResponseOf,
  type RouteName,
  type Routes,
} from '@hdns/protocol/rest';
import { httpRequest, type HttpResult } from './http-client.js';

export interface RouteAuth {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  cookie?: string;
}

export interface RouteAnswer<K extends RouteName> {
  /** The raw answer: status, headers (Set-Cookie, Retry-After) and error body. */
  result: HttpResult;
  /** The parsed answer when the route's success status came with a body matching its schema. */
  body: ResponseOf<K> | undefined;
}

export async function callRoute<K extends RouteName>(
  baseUrl: string,
  name: K,
  auth: RouteAuth,
  ...args: CallArgs<Routes[K]>
): Promise<RouteAnswer<K>> {
  const request = restRequest(name, ...args);
  const qs = new URLSearchParams(request.query).toString();
  const result = await httpRequest(baseUrl, qs ? `${request.path}?${qs}` : request.path, {
    method: request.method,
    ...auth,
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  if (result.status !== routes[name].status) return { result, body: undefined };
  try {
    return { result, body: parseResponse(name, result.body) };
  } catch (err) {
    if (err instanceof RestContractError) return { result, body: undefined };
    throw err;
  }
}
