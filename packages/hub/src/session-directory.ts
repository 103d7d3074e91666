import { CloseCode } from '@hdns/protocol';
import { ConnectionRegistry } from './connection-registry.js';
import type { WireFormat } from './encoded-event.js';
import { RevocationMarks, type Revocation } from './revocation-marks.js';
import type { Session } from './session.js';

/**
 * The hub's sessions: those still authenticating, those registered (under the per-user policy
 * of `ConnectionRegistry`), and the revocations that refuse a session verified before its user
 * or its credential was disconnected (see `RevocationMarks`).
 */
export class SessionDirectory {
  private readonly registry: ConnectionRegistry<Session>;
  private readonly pending = new Set<Session>();
  private readonly revocations = new RevocationMarks();

  constructor(maxConnectionsPerUser: number) {
    this.registry = new ConnectionRegistry(maxConnectionsPerUser);
  }

  /** Registered sessions. */
  get size(): number {
    return this.registry.size;
  }

  /** Users with a registered session. */
  get users(): number {
    return this.registry.users;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Read BEFORE verifying a credential (see `RevocationMarks`). */
  revocationMark(): number {
    return this.revocations.mark();
  }

  /** A new session, not yet authenticated. */
  admit(session: Session): void {
    this.pending.add(session);
  }

  /**
   * Registers an authenticated session and closes the ones it supersedes; or, when its user
   * was revoked after its identity was verified, leaves it out and returns that revocation.
   */
  register(session: Session): Revocation | undefined {
    const identity = session.identity;
    const revoked = identity
      ? this.revocations.since(
          identity.userId,
          identity.revocationMark ?? this.revocations.mark(),
          identity.credentialId,
        )
      : undefined;
    if (revoked) return revoked;
    this.pending.delete(session);
    for (const old of this.registry.add(session)) {
      old.close(CloseCode.SUPERSEDED, 'superseded by a newer connection');
    }
    return undefined;
  }

  remove(session: Session): void {
    this.pending.delete(session);
    this.registry.remove(session);
  }

  /** Revokes the user (refusing sessions verified before now) and returns their live sessions. */
  revoke(userId: string, revocation: Revocation): Session[] {
    this.revocations.revoke(userId, revocation);
    return [...this.registry.ofUser(userId)];
  }

  /**
   * Revokes the credential (refusing sessions verified with it before now) and returns the
   * sessions, registered or still saying hello, that authenticated with it.
   */
  revokeCredential(credentialId: string, revocation: Revocation): Session[] {
    this.revocations.revokeCredential(credentialId, revocation);
    return this.everyone().filter((s) => s.identity?.credentialId === credentialId);
  }

  /** A registered session by id. */
  get(id: string): Session | undefined {
    return this.registry.get(id);
  }

  ofUser(userId: string): readonly Session[] {
    return this.registry.ofUser(userId);
  }

  registered(): IterableIterator<Session> {
    return this.registry.all();
  }

  /** Registered and pending sessions. */
  everyone(): Session[] {
    return [...this.registry.all(), ...this.pending];
  }

  countByWire(): Record<WireFormat, number> {
    const out: Record<WireFormat, number> = { v1: 0, legacy1: 0, legacy2: 0 };
    for (const s of this.registry.all()) out[s.wire]++;
    return out;
  }

  sum(f: (s: Session) => number): number {
    let n = 0;
    for (const s of this.registry.all()) n += f(s);
    return n;
  }
}
