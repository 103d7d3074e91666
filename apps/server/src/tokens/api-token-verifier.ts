import { AUDIT_ACTIONS, type AuditLog } from '../audit/audit-log.js';
import type { Identity } from '../auth/identity.js';
import { AppError } from '../http/app-error.js';
import { hashApiTokenSecret } from './api-token-secret.js';
import type { ApiTokenOwner, StoredApiToken } from './api-token.js';
import type { ApiTokenStore } from './api-token-store.js';
import { effectiveScope } from './token-scope.js';

/** `last_used_at` is written at most this often per token, however busy the token is. */
export const TOUCH_INTERVAL_MS = 60_000;

/** Stands for "never" where an identity needs an expiry (the hub's deadline heap caps delays). */
const NEVER = new Date('9999-12-31T23:59:59.999Z');

interface Logger {
  error(obj: object, msg?: string): void;
}

export interface ApiTokenVerifierDeps {
  store: Pick<ApiTokenStore, 'findForUse' | 'touch'>;
  audit: Pick<AuditLog, 'record'>;
  log: Logger;
  now?: () => Date;
}

/** Where a token was used, for the audit row. */
export type TokenTransport = 'rest' | 'ws';

/**
 * Turns a presented API token into an identity, or refuses it (AUTH_FAILED, TOKEN_EXPIRED).
 * The secret is looked up by its hash only and never logged; the token and its owner's current
 * rights come from one joined read. The owner must be enabled; the identity carries the token's
 * scope narrowed to the owner's current role and zones. Each use is audited (folded per token,
 * address and minute: FOLDED_USES) and the last-used time and address are written at most once
 * per TOUCH_INTERVAL_MS per token.
 *
 * That bookkeeping is started, not awaited: the request goes on after the one read, and its
 * writes run beside it (each failure is logged, never the request's). `settled()` waits for
 * them; the app awaits it before storage closes, so no use goes unrecorded on shutdown.
 */
export class ApiTokenVerifier {
  private readonly touched = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly deps: ApiTokenVerifierDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async verify(secret: string, ip: string | null, via: TokenTransport): Promise<Identity> {
    const found = await this.deps.store.findForUse(hashApiTokenSecret(secret));
    if (!found) throw refused('the API token is unknown');
    const { token, owner } = found;
    if (token.revokedAt !== null) throw refused('the API token was revoked');
    const now = this.now();
    if (token.expiresAt !== null && token.expiresAt <= now.toISOString()) {
      throw new AppError('TOKEN_EXPIRED', undefined, { message: 'The API token expired' });
    }
    if (owner.disabled) throw refused("the API token's owner is disabled");
    const scope = effectiveScope(token, owner);
    this.track(this.touch(token, now, ip));
    this.track(this.audit(token, owner, ip, via));
    return {
      userId: owner.id,
      username: owner.username,
      role: scope.role,
      zones: scope.zones,
      expiresAt: token.expiresAt === null ? NEVER : new Date(token.expiresAt),
      tokenId: token.id,
      tokenVersion: owner.tokenVersion,
      apiTokenId: token.id,
      readOnly: token.readOnly,
    };
  }

  /** Resolves once every use's bookkeeping started so far has been written (or has failed). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** `work` never rejects (touch and audit log their own failures). */
  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Forgets a revoked token's touch time (the map stays as large as the live tokens). */
  forget(tokenId: string): void {
    this.touched.delete(tokenId);
  }

  private async touch(token: StoredApiToken, now: Date, ip: string | null): Promise<void> {
    const stored =
      token.lastUsedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(token.lastUsedAt);
    const last = Math.max(this.touched.get(token.id) ?? Number.NEGATIVE_INFINITY, stored);
    if (now.getTime() - last < TOUCH_INTERVAL_MS) return;
    this.touched.set(token.id, now.getTime());
    try {
      await this.deps.store.touch(token.id, now.toISOString(), ip);
    } catch (err) {
      // A use must not fail because its bookkeeping did; the next minute tries again.
      this.touched.delete(token.id);
      this.deps.log.error(
        { err, tokenId: token.id },
        'failed to record the last use of an API token',
      );
    }
  }

  private async audit(
    token: StoredApiToken,
    owner: ApiTokenOwner,
    ip: string | null,
    via: TokenTransport,
  ): Promise<void> {
    try {
      await this.deps.audit.record({
        action: AUDIT_ACTIONS.apiTokenUse,
        actor: { userId: owner.id, username: owner.username },
        target: `api_token:${token.id}`,
        ip,
        details: { tokenId: token.id, name: token.name, via },
      });
    } catch (err) {
      this.deps.log.error({ err, tokenId: token.id }, 'failed to audit the use of an API token');
    }
  }
}

function refused(reason: string): AppError {
  return new AppError('AUTH_FAILED', undefined, { message: `Invalid token: ${reason}` });
}
