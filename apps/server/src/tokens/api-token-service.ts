import { randomUUID } from 'node:crypto';
import type { ApiToken, CreateApiTokenBody, CreatedApiToken } from '@hdns/protocol/rest';
import { AUDIT_ACTIONS, type AuditLog } from '../audit/audit-log.js';
import type { Identity } from '../auth/identity.js';
import { AppError } from '../http/app-error.js';
import type { Outbox } from '../outbox/outbox.js';
import { outboxEvent } from '../outbox/outbox-event.js';
import { newApiTokenSecret } from './api-token-secret.js';
import type { StoredApiToken } from './api-token.js';
import { toApiToken } from './api-token.js';
import type { ApiTokenStore } from './api-token-store.js';
import { scopeExcess } from './token-scope.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Hears every revoked token (after the revocation committed), e.g. to close its sockets. */
export type ApiTokenRevokeListener = (token: StoredApiToken) => void;

/**
 * Creating, listing and revoking API tokens on behalf of a signed-in user. A token's scope is
 * checked against its creator's rights when it is made (TOKEN_SCOPE_TOO_WIDE) and narrowed to
 * its owner's current rights at every use (api-token-verifier.ts).
 */
export class ApiTokenService {
  private readonly listeners = new Set<ApiTokenRevokeListener>();
  /** Set by the outbox plugin (registered after auth, which builds this service). */
  private outbox: Pick<Outbox, 'commitDescribed'> | null = null;

  constructor(
    private readonly store: ApiTokenStore,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Revocations write their event through the outbox from now on; refused until then (boot). */
  useOutbox(outbox: Pick<Outbox, 'commitDescribed'>): void {
    this.outbox = outbox;
  }

  onRevoke(listener: ApiTokenRevokeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async create(
    body: CreateApiTokenBody,
    creator: Identity,
    ip: string | null,
  ): Promise<CreatedApiToken> {
    // A token cannot mint tokens: a leaked one must not be able to outlive its own revocation.
    if (creator.apiTokenId !== undefined) {
      throw new AppError('FORBIDDEN', undefined, {
        message: 'API tokens are created by a signed-in user, not with another API token',
      });
    }
    const role = body.role ?? creator.role;
    const zones = role === 'admin' ? null : (body.zones ?? null);
    const excess = scopeExcess({ role, zones }, { role: creator.role, zones: creator.zones });
    if (excess) throw new AppError('TOKEN_SCOPE_TOO_WIDE', { field: excess });

    const now = this.now();
    let expiresAt: string | null = null;
    if (body.expiresInDays !== undefined) {
      expiresAt = new Date(now.getTime() + body.expiresInDays * DAY_MS).toISOString();
    } else if (body.expiresAt !== undefined) {
      const at = new Date(body.expiresAt);
      if (at.getTime() <= now.getTime()) {
        throw new AppError('VALIDATION_ERROR', {
          in: 'body',
          issues: [{ path: '/expiresAt', message: 'must be in the future' }],
        });
      }
      expiresAt = at.toISOString();
    }
    const { secret, hash, prefix } = newApiTokenSecret();
    const id = randomUUID();
    const readOnly = body.readOnly ?? false;
    await this.store.insert({
      id,
      ownerId: creator.userId,
      name: body.name,
      hash,
      prefix,
      role,
      zones,
      readOnly,
      createdAt: now.toISOString(),
      expiresAt,
    });
    const stored = await this.store.findById(id);
    if (!stored) throw new AppError('INTERNAL');
    await this.audit.record({
      action: AUDIT_ACTIONS.apiTokenCreate,
      actor: { userId: creator.userId, username: creator.username },
      target: `api_token:${id}`,
      ip,
      details: { tokenId: id, name: body.name, role, zones, readOnly, expiresAt },
    });
    return { token: toApiToken(stored), secret };
  }

  /** The caller's active tokens; `all` (admins only) lists everyone's. */
  async list(caller: Identity, all: boolean): Promise<ApiToken[]> {
    if (all && caller.role !== 'admin') throw new AppError('FORBIDDEN', { required: 'admin' });
    const tokens = await this.store.listActive(all ? undefined : caller.userId);
    return tokens.map(toApiToken);
  }

  /**
   * Revokes one of the caller's tokens, or anyone's for an admin; NOT_FOUND otherwise. Then the
   * listeners close its sockets (realtime) and forget its use times (verifier).
   */
  async revoke(id: string, caller: Identity, ip: string | null): Promise<void> {
    const token = await this.store.findById(id);
    if (!token || token.revokedAt !== null) throw new AppError('NOT_FOUND');
    if (token.ownerId !== caller.userId && caller.role !== 'admin') {
      // Someone else's token is as absent as a missing one: ids are not to be probed.
      throw new AppError('NOT_FOUND');
    }
    const outbox = this.outbox;
    if (!outbox) throw new AppError('NOT_READY');
    // The revocation and its session_expired (reason revoked, with the token id) commit together.
    const revoked = await outbox.commitDescribed(async (trx) => {
      const done = await this.store.in(trx).revoke(id, this.now().toISOString());
      const events = done
        ? [
            outboxEvent(
              'session_expired',
              {
                userId: token.ownerId,
                username: token.ownerUsername,
                apiTokenId: token.id,
                reason: 'revoked',
              },
              { actor: { id: caller.userId, username: caller.username }, source: 'tokens' },
            ),
          ]
        : [];
      return { result: done, events };
    });
    if (!revoked) throw new AppError('NOT_FOUND');
    for (const listener of this.listeners) {
      try {
        listener(token);
      } catch {
        // Listeners report their own failures; the revocation has committed.
      }
    }
    await this.audit.record({
      action: AUDIT_ACTIONS.apiTokenRevoke,
      actor: { userId: caller.userId, username: caller.username },
      target: `api_token:${id}`,
      ip,
      details: { tokenId: id, name: token.name, ownerId: token.ownerId },
    });
  }
}
