/**
 * The one catalogue of error codes, for WebSocket `error` frames and REST error bodies alike.
 * A code is stable once released: clients switch on it; the message is for humans and may change.
 * `status` is the HTTP status a REST route answers with for that code.
 */
export const ERRORS = {
  // Frames on /ws
  BAD_JSON: { status: 400, message: 'Frame is not valid JSON' },
  BAD_FRAME: { status: 400, message: 'Frame does not match the protocol schema' },
  UNKNOWN_FRAME_TYPE: { status: 400, message: 'Unknown frame type' },
  FRAME_TOO_LARGE: { status: 413, message: 'Frame exceeds the maximum size' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down and retry later' },
  NOT_AUTHENTICATED: { status: 401, message: 'Send hello with a token first' },
  ALREADY_AUTHENTICATED: { status: 400, message: 'This connection is already authenticated' },
  UNSUPPORTED_PROTOCOL: { status: 400, message: 'Unsupported protocol version' },
  UNKNOWN_EVENT_TYPE: { status: 400, message: 'Unknown event type or category' },
  TOKEN_USER_MISMATCH: { status: 403, message: 'A refreshed token must belong to the same user' },

  // Authentication and authorization (REST and /ws)
  UNAUTHORIZED: { status: 401, message: 'Authentication required' },
  AUTH_FAILED: { status: 401, message: 'Invalid or expired token' },
  TOKEN_EXPIRED: { status: 401, message: 'Token expired' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid username or password' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed attempts; try again later' },
  REFRESH_INVALID: { status: 401, message: 'Refresh token missing, invalid or expired' },
  REFRESH_REUSED: { status: 401, message: 'Refresh token reuse detected; the session was revoked' },
  FORBIDDEN: { status: 403, message: 'Not allowed for this role' },
  ORIGIN_REFUSED: { status: 403, message: 'Origin not allowed' },
  TOKEN_SCOPE_TOO_WIDE: {
    status: 403,
    message: "An API token's role or zones may not exceed its creator's (details.field)",
  },
  READ_ONLY_TOKEN: {
    status: 403,
    message: 'This API token is read-only: it may only read (GET, HEAD)',
  },
  ZONE_NEEDS_ADMIN: {
    status: 403,
    message:
      'Only an admin (or an operator granted this exact zone) may create or change a forward zone or a zone at or above a public suffix',
  },

  // REST generic
  VALIDATION_ERROR: { status: 400, message: 'Request validation failed' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONFLICT: { status: 409, message: 'Conflict' },
  STALE_VERSION: { status: 409, message: 'The resource changed since it was read' },
  USERNAME_TAKEN: { status: 409, message: 'Username already exists' },
  CURRENT_PASSWORD_WRONG: {
    status: 400,
    message: 'The current password is wrong; the password was not changed',
  },
  LAST_ADMIN: { status: 409, message: 'The last active admin cannot be removed or demoted' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Request body too large' },
  // Malformed requests, refused before any route runs (framework and HTTP parser errors)
  BAD_REQUEST: { status: 400, message: 'Malformed HTTP request' },
  BAD_URL: { status: 400, message: 'Malformed URL (bad percent-encoding or request target)' },
  URL_TOO_LONG: { status: 414, message: 'A path parameter exceeds the maximum length' },
  BAD_JSON_BODY: { status: 400, message: 'Body is not valid JSON (or empty with a JSON type)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Content-Type for this route' },
  HEADERS_TOO_LARGE: { status: 431, message: 'Request headers too large' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time' },
  INTERNAL: { status: 500, message: 'Internal error' },
  NOT_READY: { status: 503, message: 'Service not ready' },
  CLUSTER_UNAVAILABLE: {
    status: 503,
    message: "The other instances' view is unreachable (Redis did not answer in time); retry later",
  },

  // DNS and BIND
  INVALID_RECORD: {
    status: 400,
    message:
      "Invalid record data, or a record the zone cannot hold beside its others: a CNAME with other data, a duplicate, another TTL than its RRset's (details.existing)",
  },
  ZONE_CHECK_FAILED: { status: 422, message: 'named-checkzone rejected the zone' },
  BIND_UNAVAILABLE: { status: 503, message: 'BIND is not running or not reachable' },
  BIND_RELOAD_FAILED: { status: 502, message: 'BIND did not load the new zone' },
  ZONE_FILE_INVALID: {
    status: 422,
    message:
      'The zone file could not be read; nothing was imported (details.errors lists the lines)',
  },
  ZONE_TRANSFER_FAILED: {
    status: 502,
    message: 'The zone transfer (AXFR) failed: refused, bad TSIG key, timeout or too large',
  },
  TSIG_KEY_IN_USE: {
    status: 409,
    message:
      'The TSIG key is in use (details.usedBy names the secondaries and zones); nothing was deleted',
  },
  TSIG_KEY_NAME_TAKEN: { status: 409, message: 'A TSIG key with this name exists' },
  TSIG_KEY_UNKNOWN: {
    status: 400,
    message: 'The zone names a TSIG key that does not exist (details.tsigKeyId)',
  },
  QUERY_STORE_OFF: {
    status: 503,
    message: 'The query store is off on this server (HDNS_QUERY_STORE=off)',
  },
  BAD_CURSOR: { status: 400, message: 'The page cursor is not one this search produced' },
  ZONE_READ_ONLY: {
    status: 409,
    message:
      "A secondary zone holds its primary's data: records cannot be written, imported or signed here",
  },
  DNSSEC_POLICY_UNKNOWN: {
    status: 400,
    message:
      'The zone names a dnssec-policy that is neither default nor defined in the DNS settings (details.policy)',
  },
  DNSSEC_POLICY_IN_USE: {
    status: 409,
    message:
      'A dnssec-policy zones sign with cannot be removed (details.usedBy names them); nothing was changed',
  },
  BIND_OUTCOME_UNKNOWN: {
    status: 502,
    message:
      'The instance driving BIND stopped answering after it received this change: it may or ' +
      'may not have been applied. Read it back before retrying',
  },
  FEED_LIMIT_REACHED: {
    status: 409,
    message:
      'BIND evaluates at most 64 response-policy zones: at most 62 feeds can be enabled (details.max)',
  },
  ALERT_TARGET_REFUSED: {
    status: 422,
    message:
      'The alert target resolves to a private, loopback, link-local, multicast or unspecified address (allowed only with HDNS_ALERT_ALLOW_PRIVATE_TARGETS)',
  },
  ALERT_CHANNEL_INVALID: {
    status: 422,
    message: 'The channel lacks a setting its kind needs (details.missing)',
  },
  ALERT_CHANNEL_UNKNOWN: {
    status: 422,
    message: 'The rule names a channel that does not exist (details.channelId)',
  },
  ALERT_CHANNEL_IN_USE: {
    status: 409,
    message: 'Rules still send to this channel (details.ruleIds); change them first',
  },
  FEED_URL_REFUSED: {
    status: 422,
    message:
      'The feed URL points to a private, loopback or link-local address (allowed only with HDNS_FEEDS_ALLOW_PRIVATE)',
  },
  EVENT_NOT_REPRESENTABLE: {
    status: 422,
    message: 'The change cannot be described by its event; nothing was stored',
  },

  // Storage
  STORAGE_FULL: {
    status: 507,
    message: 'Out of disk space in the data directory; the change was not made',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    message: 'The database is not reachable; nothing was changed. Retry later',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERRORS[code].status;
}

/** The body every REST error answers with, and the `error` frame's payload on /ws. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}
