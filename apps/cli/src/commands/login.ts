/**
 * `hdns login` and `hdns logout`.
 *
 * login: validates the URL, reads the password (see password-input.ts), posts it, and stores the
 * credentials (mode 0600). Success prints `logged in to URL as NAME (role)` on stderr.
 * logout: best-effort POST /api/auth/logout with the refresh cookie (an unreachable server does
 * not keep the local file), then removes the file.
 */
import { CliError, EXIT_OK, usageError } from '../cli-error.js';
import { loadCredentials, removeCredentials, saveCredentials } from '../credentials.js';
import { normalizeBaseUrl } from '../http-client.js';
import { callRoute } from '../rest-call.js';
import type { Output } from '../output.js';
import { readPassword } from '../password-input.js';
import { login, loginWithToken } from '../session.js';

export interface LoginOptions {
  url?: string;
  user?: string;
  token?: string;
  passwordStdin?: boolean;
}

export async function loginCommand(values: LoginOptions, out: Output): Promise<number> {
  if (!values.url) throw usageError('login: --url is required');
  if (values.token !== undefined) {
    if (values.user !== undefined) throw usageError('login: give --user or --token, not both');
    const url = normalizeBaseUrl(values.url);
    // `--token -` reads it from stdin, keeping the secret out of the process list and history.
    const token =
      values.token === '-' ? await readPassword({ fromStdin: true }) : values.token.trim();
    if (token.length === 0) throw usageError('login: --token is empty');
    const credentials = await loginWithToken(url, token);
    await saveCredentials(credentials);
    out.notice(
      `logged in to ${url} as ${credentials.username} (${credentials.role}) with an API token`,
    );
    return EXIT_OK;
  }
  if (!values.user) throw usageError('login: --user is required');
  const url = normalizeBaseUrl(values.url);
  const password = await readPassword({
    fromStdin: values.passwordStdin === true,
    prompt: `Password for ${values.user} at ${url}: `,
  });
  const credentials = await login(url, values.user, password);
  await saveCredentials(credentials);
  out.notice(`logged in to ${url} as ${credentials.username} (${credentials.role})`);
  return EXIT_OK;
}

export async function logoutCommand(out: Output): Promise<number> {
  const credentials = await loadCredentials();
  if (!credentials) {
    out.notice('not logged in');
    return EXIT_OK;
  }
  if (credentials.refreshCookie) {
    try {
      await callRoute(credentials.url, 'logout', { cookie: credentials.refreshCookie });
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      out.notice(`${err.message} (the server session stays until it expires)`);
    }
  }
  await removeCredentials();
  out.notice(`logged out of ${credentials.url}`);
  return EXIT_OK;
}
