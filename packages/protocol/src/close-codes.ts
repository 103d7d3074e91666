/**
 * WebSocket close codes of protocol v1, in two ranges with one meaning each:
 *
 * - 4200–4299 "reconnect and resume": the client reconnects with backoff and resumes from the
 *   last `seq` it saw. Nothing is lost: the server keeps the events in its log.
 * - 4400–4499 "terminal": reconnecting with the same credentials cannot help; the client stops
 *   and reports. Numbers echo HTTP status codes where one fits (401, 403, 409, 429 …).
 *
 * Standard codes the server may also use: 1000 normal, 1001 going away, 1009 message too big
 * (see TransportCloseCode). 1009 is terminal like FRAME_TOO_LARGE; any other code outside the
 * terminal range is treated as "reconnect". Legacy routes use the codes the old protocols used
 * (LEGACY_CLOSE, in `@hdns/protocol/legacy`).
 */
export const CloseCode = {
  /** Server is shutting down or restarting; reconnect and resume. */
  SERVER_RESTARTING: 4200,
  /** The client did not read fast enough and its queue passed the hard bound; resume from the log. */
  SLOW_CONSUMER: 4201,
  /** No pong within two heartbeat intervals. */
  HEARTBEAT_TIMEOUT: 4202,
  /** Server at its connection limit; retry later with backoff. */
  SERVER_OVERLOADED: 4203,
  /** The access token expired without an in-band refresh; get a new token, then reconnect. */
  TOKEN_EXPIRED: 4204,
  /**
   * A handler on the server failed unexpectedly while serving this connection (a bug, logged
   * server-side without the frame). The server itself keeps running; reconnect and resume.
   */
  INTERNAL_ERROR: 4205,
  /**
   * The user's role or zone grants changed: every access token issued before is void and the
   * connection closes at once. Get a fresh token (refresh), then reconnect and resume; the new
   * session has the new rights.
   */
  PERMISSIONS_CHANGED: 4206,
  /**
   * The server's event stream lost continuity: the shared log (Redis) lost data or started a new
   * epoch, or this instance was cut off from it longer than the log keeps events. Reconnect and
   * resume: the `resume` answer says whether the gap can be filled (`ok: false` with its reason,
   * e.g. `epoch_mismatch`, when it cannot: reload a snapshot).
   */
  STREAM_RESET: 4207,

  /** Bad frame stream (e.g. first frame not `hello`, repeated malformed frames). */
  PROTOCOL_VIOLATION: 4400,
  /** Token missing, forged, expired at connect, or the user is disabled. */
  AUTH_FAILED: 4401,
  /** Authenticated but not allowed here (e.g. a legacy connection type its role may not open). */
  FORBIDDEN: 4403,
  /** No `hello` within the auth deadline. */
  AUTH_TIMEOUT: 4408,
  /** A newer connection of the same client replaced this one; do not reconnect and fight back. */
  SUPERSEDED: 4409,
  /** Closed by an administrator. */
  KICKED: 4410,
  /**
   * The user's password changed or the user was disabled: their access and refresh tokens are
   * revoked. Do not reconnect; sign in again.
   */
  CREDENTIALS_REVOKED: 4411,
  /**
   * A frame larger than `welcome.limits.maxFrameBytes`: `error` FRAME_TOO_LARGE, then this close,
   * at the first such frame (above TRANSPORT_MAX_FRAME_BYTES the transport closes with 1009).
   */
  FRAME_TOO_LARGE: 4413,
  /** The client asked for a protocol version this server does not speak. */
  UNSUPPORTED_PROTOCOL: 4426,
  /** Sustained flooding after rate-limit errors. */
  RATE_LIMITED: 4429,
} as const;

export type CloseCodeName = keyof typeof CloseCode;

/**
 * The largest frame the server's WebSocket layer reads at all (`ws` maxPayload). A frame above
 * `welcome.limits.maxFrameBytes` but within this gets `error` FRAME_TOO_LARGE and close 4413; a
 * frame above this is refused by the transport before the server reads it, with close 1009.
 */
export const TRANSPORT_MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Standard close codes with a meaning of their own in this protocol. The transport sends 1009
 * itself (RFC 6455 "message too big"): its number cannot be changed to 4413, so clients treat it
 * as FRAME_TOO_LARGE: terminal, since a client that reconnected would send the same frame again.
 */
export const TransportCloseCode = {
  MESSAGE_TOO_BIG: 1009,
} as const;

export const TRANSPORT_CLOSE_CODE_INFO: Readonly<
  Record<keyof typeof TransportCloseCode, { description: string }>
> = {
  MESSAGE_TOO_BIG: {
    description: `Sent by the WebSocket layer for a frame over ${TRANSPORT_MAX_FRAME_BYTES} bytes, before the server reads it (no \`error\` frame). Same meaning as \`FRAME_TOO_LARGE\`: terminal.`,
  },
};
export type CloseCodeValue = (typeof CloseCode)[CloseCodeName];

/**
 * Runtime descriptions of the close codes (JSDoc is not available at runtime): the generated
 * docs and admin UIs read these. Keep them in step with the comments above.
 */
export const CLOSE_CODE_INFO: Readonly<Record<CloseCodeName, { description: string }>> = {
  SERVER_RESTARTING: {
    description: 'Server is shutting down or restarting; reconnect and resume.',
  },
  SLOW_CONSUMER: {
    description:
      'The client did not read fast enough and its queue passed the hard bound; resume from the log.',
  },
  HEARTBEAT_TIMEOUT: { description: 'No pong within two heartbeat intervals.' },
  SERVER_OVERLOADED: { description: 'Server at its connection limit; retry later with backoff.' },
  TOKEN_EXPIRED: {
    description:
      'The access token expired without an in-band refresh; get a new token, then reconnect.',
  },
  INTERNAL_ERROR: {
    description:
      'A server-side handler failed unexpectedly on this connection (logged, without the frame); the server keeps running. Reconnect and resume.',
  },
  PERMISSIONS_CHANGED: {
    description:
      "The user's role or zone grants changed and older access tokens are void; get a fresh token (refresh), then reconnect and resume.",
  },
  STREAM_RESET: {
    description:
      "The server's event stream lost continuity (the shared log lost data or changed epoch, or this instance was cut off longer than the log's retention); reconnect and resume: the `resume` answer says whether the gap can be filled, `ok: false` with a reason when it cannot.",
  },
  PROTOCOL_VIOLATION: {
    description: 'Bad frame stream (e.g. first frame not `hello`, repeated malformed frames).',
  },
  AUTH_FAILED: {
    description: 'Token missing, forged, expired at connect, or the user is disabled.',
  },
  FORBIDDEN: {
    description:
      'Authenticated but not allowed to use this endpoint (e.g. a legacy connection type the role may not open).',
  },
  AUTH_TIMEOUT: { description: 'No `hello` within the auth deadline.' },
  SUPERSEDED: {
    description:
      'A newer connection of the same client replaced this one; do not reconnect and fight back.',
  },
  KICKED: { description: 'Closed by an administrator.' },
  CREDENTIALS_REVOKED: {
    description:
      "The credential the connection authenticated with is void: the user's password changed or the user was disabled, its login session ended (signed out, or ended from another session's account page), or its API token was revoked. Do not reconnect: sign in again.",
  },
  FRAME_TOO_LARGE: {
    description:
      'A frame larger than `welcome.limits.maxFrameBytes`: the server answers `error` `FRAME_TOO_LARGE`, then closes with this code at the first such frame.',
  },
  UNSUPPORTED_PROTOCOL: {
    description: 'The client asked for a protocol version this server does not speak.',
  },
  RATE_LIMITED: { description: 'Sustained flooding after rate-limit errors.' },
};

export const RECONNECT_RANGE = { min: 4200, max: 4299 } as const;
export const TERMINAL_RANGE = { min: 4400, max: 4499 } as const;

/** True when the client must not reconnect by itself: the terminal range, and 1009. */
export function isTerminalCloseCode(code: number): boolean {
  return (
    (code >= TERMINAL_RANGE.min && code <= TERMINAL_RANGE.max) ||
    code === TransportCloseCode.MESSAGE_TOO_BIG
  );
}

/** True for the documented "reconnect and resume" range. Unknown codes also reconnect. */
export function isReconnectCloseCode(code: number): boolean {
  return code >= RECONNECT_RANGE.min && code <= RECONNECT_RANGE.max;
}

export function closeCodeName(code: number): CloseCodeName | undefined {
  for (const [name, value] of Object.entries(CloseCode)) {
    if (value === code) return name as CloseCodeName;
  }
  return undefined;
}
