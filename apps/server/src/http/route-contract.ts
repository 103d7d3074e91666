import type { RouteContract } from '@hdns/protocol/rest';

/**
 * The route table (@hdns/protocol/rest) gives full paths; a route plugin mounted at `prefix`
 * registers the rest. Throws at startup if a route is registered under the wrong plugin.
 */
export function pathUnder(prefix: string, route: RouteContract): string {
  if (!route.path.startsWith(prefix)) {
    throw new Error(`route ${route.method} ${route.path} is not under ${prefix}`);
  }
  return route.path.slice(prefix.length);
}

type Has<R, K extends string, As extends string = K> = R extends { [P in K]: infer S }
  ? { [P in As]: S }
  : Record<never, never>;

/** The validation part of a route's fastify schema: params, querystring and body, where it has them. */
export type ContractSchema<R extends RouteContract> = Has<R, 'params'> &
  Has<R, 'query', 'querystring'> &
  Has<R, 'body'>;

export function requestSchema<R extends RouteContract>(route: R): ContractSchema<R> {
  return {
    ...(route.params ? { params: route.params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
  } as ContractSchema<R>;
}

/** The route's success answer, keyed by its status, for `schema.response`. */
export function okResponse<R extends RouteContract>(
  route: R,
): { [S in R['status']]: R['response'] } {
  return { [route.status]: route.response };
}
