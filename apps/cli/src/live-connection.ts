/**
 * The long-running part of `events --follow` and `tail queries`: one RealtimeClient (Node, the
 * `ws` socket) with the user's session, narrating its life on stderr.
 *
 * Contract:
 * - Resolves with the exit code when the connection ends for good: 0 after SIGINT/SIGTERM/
 *   SIGHUP (the client disconnects cleanly), 1 after a terminal close (superseded, kicked,
 *   auth failed …) or an expired session, each with a message saying what to do.
 * - Lost connections are retried by the client with backoff; each retry is reported as
 *   `reconnecting (attempt N, next try in Xs)…`, a successful resume as `resumed, N missed
 *   events replayed`, a failed one as a warning that events may have been missed.
 * - Every instance gets a random instanceId (the client default): two `hdns` processes of the
 *   same user never supersede each other.
 */
import WebSocket from 'ws';
import { RealtimeClient, type ConnectionSnapshot, type EventFrameUnion } from '@hdns/client';
import { EXIT_FAILURE, EXIT_OK } from './cli-error.js';
import type { Output } from './output.js';
import { SessionExpiredError, type Session } from './session.js';
import { CLI_VERSION } from './version.js';

export interface LiveOptions {
  session: Session;
  subscriptions: string[];
  onEvent(event: EventFrameUnion): void;
  out: Output;
  /** For tests: a faster backoff. */
  reconnect?: { baseMs?: number; capMs?: number };
}

/** Messages for terminal close reasons (the client's lower-case close code names). */
const TERMINAL_MESSAGES: Readonly<Record<string, string>> = {
  superseded: 'connection closed: replaced by a newer connection of this client (superseded)',
  kicked: 'connection closed by an administrator (kicked)',
  auth_failed: 'connection refused: authentication failed; run `hdns login` again',
  credentials_revoked:
    'connection closed: this login was signed out, ended or revoked; run `hdns login` again',
  forbidden: 'connection refused by the server (forbidden)',
  auth_timeout: 'connection closed: authentication timed out',
  unsupported_protocol: 'connection refused: this hdns speaks a protocol the server does not',
  rate_limited: 'connection closed: too many frames (rate limited)',
  max_attempts: 'gave up reconnecting',
};

export function wsUrlOf(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}/ws`;
}

export function runLive(options: LiveOptions): Promise<number> {
  const { session, out } = options;
  let fatal: Error | undefined;
  const client = new RealtimeClient({
    url: wsUrlOf(session.url),
    getToken: async (request) => {
      try {
        // fresh: the server voided the token (role or zones changed); refresh, not the cache.
        return await (request.fresh ? session.refresh() : session.getToken());
      } catch (err) {
        if (err instanceof SessionExpiredError) {
          fatal = err;
          queueMicrotask(() => client.disconnect());
        }
        throw err;
      }
    },
    WebSocket,
    subscriptions: options.subscriptions,
    clientName: 'hdns-cli',
    clientVersion: CLI_VERSION,
    network: false,
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    logger: {
      warn: (message) => out.notice(`warning: ${message}`),
      error: (message) => out.notice(`error: ${message}`),
    },
  });

  let welcomed = false;
  client.on('*', (event) => options.onEvent(event));
  client.onSignal('welcome', (w) => {
    if (!welcomed) {
      welcomed = true;
      out.notice(`connected to ${session.url} as ${w.user.username} (${w.user.role})`);
    } else if (w.resume.ok) {
      out.notice(`resumed, ${w.resume.replayed} missed events replayed`);
    }
  });
  client.onSignal('resync', (r) =>
    out.notice(`reconnected but could not resume (${r.reason}): events may have been missed`),
  );
  client.onSignal('gap', (g) =>
    out.notice(
      `${g.count} events were ${g.reason === 'shed' ? 'dropped' : 'coalesced'} by the server (too slow to keep up)`,
    ),
  );
  client.onSignal('notice', (n) => out.notice(`server: ${n.message}`));

  return new Promise<number>((resolve) => {
    const stop = (): void => client.disconnect();
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    for (const s of signals) process.on(s, stop);
    client.onState((s: ConnectionSnapshot) => {
      if (s.state === 'reconnecting' && !fatal) out.notice(reconnectingLine(s));
      if (s.state !== 'closed') return;
      for (const sig of signals) process.off(sig, stop);
      if (fatal) {
        out.notice(fatal.message);
        resolve(EXIT_FAILURE);
      } else if (s.reason === 'client_disconnect') {
        resolve(EXIT_OK);
      } else {
        out.notice(TERMINAL_MESSAGES[s.reason] ?? `connection closed: ${s.reason}`);
        resolve(EXIT_FAILURE);
      }
    });
    client.connect();
  });
}

export function reconnectingLine(s: ConnectionSnapshot, now = Date.now()): string {
  const why = s.reason === 'retry' ? '' : ` [${s.reason.replaceAll('_', ' ')}]`;
  if (s.nextRetryAt === undefined) return `reconnecting (attempt ${s.attempt})…${why}`;
  const seconds = Math.max(0, (s.nextRetryAt - now) / 1000);
  return `reconnecting (attempt ${s.attempt}, next try in ${seconds.toFixed(1)}s)…${why}`;
}
