import { CloseCode } from '@hdns/protocol';
import { LEGACY_CLOSE } from '@hdns/protocol/legacy';

export interface WireClose {
  code: number;
  reason: string;
}

/**
 * Hub close codes that the legacy protocols had an equivalent for. Legacy frontends compare
 * these numbers (and sometimes the reason text), so both come from LEGACY_CLOSE.
 *
 * - SUPERSEDED → 1000 "Replaced by new connection": a newer socket of the same type replaced it.
 * - SERVER_OVERLOADED → 1013 "Server overloaded" (also used while the hub shuts down: "try
 *   again later" is what 1013 means to the old clients).
 * - AUTH_FAILED and TOKEN_EXPIRED → 4001: the old servers only knew "authentication failed";
 *   a legacy client cannot refresh in-band, so an expired token is the same situation for it.
 * - PERMISSIONS_CHANGED and CREDENTIALS_REVOKED → 4001 too: the legacy socket's token is void
 *   (role, zones, password changed or user disabled); the old clients go back to their login,
 *   which is what both need (a fresh token, or a new sign-in).
 * - FORBIDDEN → 1008 "Policy violation" (e.g. a non-admin asking for the `admin` type).
 *
 * Every other code (restart, slow consumer, kicked, rate limited …) passes through unchanged:
 * the old clients treated any unknown code as "reconnect", which is what those codes intend.
 */
const LEGACY_EQUIVALENT = new Map<number, WireClose>([
  [CloseCode.SUPERSEDED, LEGACY_CLOSE.REPLACED],
  [CloseCode.SERVER_OVERLOADED, LEGACY_CLOSE.OVERLOADED],
  [CloseCode.AUTH_FAILED, LEGACY_CLOSE.AUTH_FAILED],
  [CloseCode.TOKEN_EXPIRED, LEGACY_CLOSE.AUTH_FAILED],
  [CloseCode.PERMISSIONS_CHANGED, LEGACY_CLOSE.AUTH_FAILED],
  [CloseCode.CREDENTIALS_REVOKED, LEGACY_CLOSE.AUTH_FAILED],
  [CloseCode.FORBIDDEN, LEGACY_CLOSE.POLICY],
]);

/** The close a legacy peer sees for a hub close `code`. */
export function legacyCloseFor(code: number, reason: string): WireClose {
  const mapped = LEGACY_EQUIVALENT.get(code);
  return mapped ? { code: mapped.code, reason: mapped.reason } : { code, reason };
}
