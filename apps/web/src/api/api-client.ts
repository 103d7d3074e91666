/**
 * The dashboard's REST client: the typed client of @hdns/protocol/rest over fetch with the
 * in-memory bearer token. A 401 gets one refresh-and-retry (the token may have expired between
 * getToken and the server reading it); anything else is an ApiError. Development builds parse
 * every answer with its route's response schema, so a drifted contract fails on first use.
 */
import { createRestClient, type RestClient, type RestRequest } from '@hdns/protocol/rest';
import type { AuthSession } from '../auth/auth-session';
import { ApiError } from './api-error';

export type Api = RestClient;

export function createApi(session: AuthSession): Api {
  const send = (request: RestRequest, token: string): Promise<Response> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const qs = new URLSearchParams(request.query).toString();
    return fetch(qs ? `${request.path}?${qs}` : request.path, {
      method: request.method,
      headers,
      credentials: 'same-origin',
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  };
  return createRestClient(
    async (request) => {
      let response = await send(request, await session.getToken());
      if (response.status === 401 && (await session.recover())) {
        response = await send(request, await session.getToken());
      }
      if (!response.ok) throw await ApiError.fromResponse(response);
      if (response.status === 204) return undefined;
      const text = await response.text();
      return text ? (JSON.parse(text) as unknown) : undefined;
    },
    { validate: import.meta.env.DEV },
  );
}
