import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One REST route as both ends see it. The server validates `params`, `query` and `body` with
 * these schemas and documents them (OpenAPI); clients build the request from them and, in
 * development, parse the `status` answer with `response`. Error answers are the shared ErrorBody.
 */
export interface RouteContract {
  method: HttpMethod;
  /** Full path, `:name` marking a path parameter (`/api/zones/:zone`). */
  path: string;
  /** The success status; 204 answers carry no body. */
  status: 200 | 201 | 202 | 204;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
}

/** Declares a route, keeping its literal types (the table's `satisfies` checks the shape). */
export const route = <const R extends RouteContract>(r: R): R => r;

/**
 * The path parameter names of a path: `'/api/zones/:zone/records/:id'` → `'zone' | 'id'`. Lets
 * the table check that its `params` schema names exactly the path's parameters.
 */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** What a client sends for a route: `params`, `query`, `body` where the route has them. */
export type RouteInput<R extends RouteContract> = (R extends { params: z.ZodType }
  ? { params: z.input<R['params']> }
  : { params?: never }) &
  (R extends { query: z.ZodType } ? { query?: z.input<R['query']> } : { query?: never }) &
  (R extends { body: z.ZodType } ? { body: z.input<R['body']> } : { body?: never });

/** What a client gets back: nothing for a 204, else the parsed response. */
export type RouteOutput<R extends RouteContract> = R['status'] extends 204
  ? undefined
  : z.output<R['response']>;

/** Fills `:name` segments from `params`, each encoded as one path segment. */
export function buildPath(path: string, params: Readonly<Record<string, unknown>> = {}): string {
  return path.replace(/:([A-Za-z_]\w*)/g, (_, name: string) => {
    const value = params[name];
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new Error(`path parameter ${name} must be a string or number`);
    }
    return encodeURIComponent(String(value));
  });
}
