import type { AccountSession } from '@hdns/protocol/rest';
import { AUDIT_ACTIONS, type AuditLog } from '../audit/audit-log.js';
import type { Identity } from '../auth/identity.js';
import type { RefreshTokenStore } from '../auth/refresh-token-store.js';
import type { Outbox } from '../outbox/outbox.js';
import { outboxEvent } from '../outbox/outbox-event.js';

/** Closes the live sockets of one login session (the hub's `disconnectCredential`). */
export type SessionSocketCloser = (sessionId: string) => void;

export interface AccountSessionsDeps {
  /** Where sessions are read and ended (RefreshTokenStore: one statement each). */
  tokens: RefreshTokenStore;
  outbox: Pick<Outbox, 'commitDescribed'>;
  audit: Pick<AuditLog, 'record'>;
  closeSockets: SessionSocketCloser;
}

/**
 * A user's own login sessions: listing and ending them. A session is a refresh-token family
 * (one login and every rotation after it) that still has a token neither revoked nor expired;
 * its id is the family id, which access tokens carry as `sid`, so the session a request comes
 * from is known without the refresh cookie (scoped to /api/auth).
 *
 * Ending sessions revokes their families (so they never refresh again) and writes one
 * `session_expired` (reason `revoked`, with the session id) per ended session in the same
 * transaction, through the outbox. Access tokens of those sessions are refused from then on (the
 * token checks read the session with the user) and their sockets close at once, on every
 * instance of a cluster (`closeSockets`).
 */
export class AccountSessions {
  constructor(private readonly deps: AccountSessionsDeps) {}

  list(userId: string, currentSessionId: string | undefined): Promise<AccountSession[]> {
    return this.deps.tokens.listSessions(userId, currentSessionId);
  }

  /** Ends one of the user's sessions; false when it is not theirs or already over. */
  async end(identity: Identity, sessionId: string, ip: string | null): Promise<boolean> {
    const ended = await this.endWith(identity, ip, async (tokens) =>
      (await tokens.endSession(identity.userId, sessionId)) ? [sessionId] : [],
    );
    return ended.length > 0;
  }

  /** Ends every session of the user but the one of this request's token; how many ended. */
  async endOthers(identity: Identity, ip: string | null): Promise<number> {
    const ended = await this.endWith(identity, ip, (tokens) =>
      tokens.revokeAllForUser(identity.userId, identity.sessionId),
    );
    return ended.length;
  }

  private async endWith(
    identity: Identity,
    ip: string | null,
    revoke: (tokens: RefreshTokenStore) => Promise<string[]>,
  ): Promise<string[]> {
    const who = { userId: identity.userId, username: identity.username };
    const actor = { id: identity.userId, username: identity.username };
    const ended = await this.deps.outbox.commitDescribed(async (trx) => {
      const sessions = await revoke(this.deps.tokens.in(trx));
      const events = sessions.map((sessionId) =>
        outboxEvent(
          'session_expired',
          { ...who, sessionId, reason: 'revoked' },
          { actor, source: 'account' },
        ),
      );
      return { result: sessions, events };
    });
    if (ended.length === 0) return ended;
    for (const sessionId of ended) this.deps.closeSockets(sessionId);
    await this.deps.audit.record({
      action: AUDIT_ACTIONS.sessionEnd,
      actor: who,
      target: `user:${identity.userId}`,
      ip,
      details: { sessions: ended },
    });
    return ended;
  }
}
