/**
 * Shared start of every command that needs a login: load the stored session and check it
 * against the server (GET /api/auth/me), refreshing the token once if the server refuses it.
 *
 * Contract: resolves with a usable Session and the user, or throws a CliError saying exactly
 * what is wrong: not logged in, server unreachable (with the URL), session expired.
 */
import { CliError } from '../cli-error.js';
import { credentialsPath, loadCredentials } from '../credentials.js';
import { describeFailure } from '../http-client.js';
import { callRoute } from '../rest-call.js';
import { Session } from '../session.js';

export interface Me {
  username: string;
  role: string;
}

export async function authenticatedSession(): Promise<{ session: Session; me: Me }> {
  const credentials = await loadCredentials();
  if (!credentials) {
    throw new CliError(
      `not logged in (no ${credentialsPath()}): run \`hdns login --url URL --user NAME\` first`,
    );
  }
  const session = new Session(credentials);
  let answer = await callRoute(session.url, 'me', { token: await session.getToken() });
  if (answer.result.status === 401) {
    answer = await callRoute(session.url, 'me', { token: await session.refresh() });
  }
  if (!answer.body) {
    throw new CliError(`unexpected answer from ${session.url}: ${describeFailure(answer.result)}`);
  }
  return { session, me: answer.body };
}
