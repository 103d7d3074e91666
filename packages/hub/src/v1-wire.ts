import {
  CloseCode,
  encodeFrame,
  ERRORS,
  NOTICE_CODES,
  parseClientFrame,
  PROTOCOL_VERSION,
  type ClientFrame,
  type ErrorCode,
  type EventType,
  type HelloFrame,
  type ServerFrame,
} from '@hdns/protocol';
import { DEFAULT_SUBSCRIPTIONS } from './authorizer.js';
import { v1EventEncoder } from './encoded-event.js';
import type { AuthOutcome, HubLogger } from './hub-hooks.js';
import type { HubMetrics } from './hub-metrics.js';
import { AuthError, type Identity, type TokenVerifier } from './identity.js';
import { InboundGuard } from './inbound-guard.js';
import type { QueueFraming } from './outbound-queue.js';
import type { Session } from './session.js';
import type { SessionOptions } from './session-options.js';
import type { Wire } from './wire.js';

/** What the v1 wire needs from the hub. */
export interface V1Context {
  readonly metrics: HubMetrics;
  readonly sessionOptions: SessionOptions;
  readonly verifyToken: TokenVerifier;
  /** `verifyToken` plus the hub's revocation mark read before it (checked at registration). */
  verifyIdentity(token: string): Promise<Identity>;
  readonly logger: HubLogger;
  readonly onAck:
    | ((identity: Identity, ack: { upToSeq?: number; ids?: string[] }) => Promise<number>)
    | undefined;
  authOutcome(outcome: AuthOutcome): void;
}

/** `notice.message` holds at most 2,000 characters (frames-server.ts). */
const MAX_NOTICE = 2000;
const COMMA = Buffer.from(',');
const BATCH_END = Buffer.from(']}');

/** v1 batch frames splice the shared event bytes between a per-session head and tail. */
/**
 * One-event batches with the same watermark are byte-identical across sessions (in steady state
 * every idle session's `through` is the hub position), so the frame is built once per event
 * and watermark and shared, like the event bytes themselves.
 */
const singles = new WeakMap<Buffer, { through: number; frame: Buffer }>();
/**
 * The same for batches of several events: sessions that subscribe alike and flush in the same
 * round get the same events with the same watermark, so the last multi-event frame built is
 * kept under its first event and reused when the next session's batch is identical (same
 * Buffers in the same order, same `through`).
 */
const multis = new WeakMap<Buffer, { events: readonly Buffer[]; through: number; frame: Buffer }>();

function sameEvents(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export const v1Framing: QueueFraming = {
  batch(events, through) {
    const only = events.length === 1 ? events[0] : undefined;
    if (only) {
      const cached = singles.get(only);
      if (cached && cached.through === through) return [cached.frame];
      const frame = Buffer.concat([
        Buffer.from(`{"type":"batch","through":${through},"events":[`),
        only,
        BATCH_END,
      ]);
      singles.set(only, { through, frame });
      return [frame];
    }
    const first = events[0];
    const cached = first ? multis.get(first) : undefined;
    if (cached && cached.through === through && sameEvents(cached.events, events))
      return [cached.frame];
    const head = Buffer.from(`{"type":"batch","through":${through},"events":[`);
    const parts: Buffer[] = [head];
    events.forEach((e, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(e);
    });
    parts.push(BATCH_END);
    const frame = Buffer.concat(parts);
    if (first) multis.set(first, { events, through, frame });
    return [frame];
  },
  gap(range) {
    return Buffer.from(encodeFrame({ type: 'gap', ...range }));
  },
};

/** Protocol v1 at the edge: parses client frames, drives the session, writes replies. */
export class V1Wire implements Wire {
  readonly format = 'v1' as const;
  readonly encode = v1EventEncoder;
  readonly framing = v1Framing;
  private readonly guards = new WeakMap<Session, InboundGuard>();
  /** The tail of a session's frame chain while one is being handled; dropped once settled. */
  private readonly inbox = new WeakMap<Session, Promise<void>>();

  constructor(private readonly ctx: V1Context) {}

  onMessage(session: Session, raw: Buffer, isBinary: boolean): void {
    if (session.isClosed) return;
    session.touch();
    let guard = this.guards.get(session);
    if (!guard) this.guards.set(session, (guard = new InboundGuard(this.ctx.sessionOptions)));
    const verdict = guard.check(raw.length);
    if (verdict.kind === 'too_large') {
      this.ctx.metrics.frameIn('oversize', raw.length);
      this.error(
        session,
        'FRAME_TOO_LARGE',
        `limit is ${this.ctx.sessionOptions.maxFrameBytes} bytes`,
      );
      // Terminal at the first one, as the close-code table says: the frame is dropped unread, so
      // a request in it goes unanswered, and a client left open would only send it again.
      session.close(CloseCode.FRAME_TOO_LARGE, 'frame too large');
      return;
    }
    if (verdict.kind === 'close_rate_limited') {
      session.close(CloseCode.RATE_LIMITED, 'rate limit exceeded');
      return;
    }
    if (verdict.kind === 'rate_limited') {
      this.ctx.metrics.frameIn('rate_limited', raw.length);
      if (verdict.reply) this.error(session, 'RATE_LIMITED');
      return;
    }
    const parsed = isBinary
      ? ({ ok: false, code: 'BAD_FRAME', message: 'binary frames are not accepted' } as const)
      : parseClientFrame(raw);
    if (!parsed.ok) {
      this.ctx.metrics.frameIn('invalid', raw.length);
      this.error(session, parsed.code, parsed.message, 'id' in parsed ? parsed.id : undefined);
      if (parsed.code === 'UNSUPPORTED_PROTOCOL') {
        session.close(CloseCode.UNSUPPORTED_PROTOCOL, 'unsupported protocol version');
      } else if (guard.violation()) {
        session.close(CloseCode.PROTOCOL_VIOLATION, 'too many invalid frames');
      }
      return;
    }
    const frame = parsed.frame;
    this.ctx.metrics.frameIn(frame.type, raw.length);
    // Frames are handled one at a time per session, in arrival order, even across awaits.
    const previous = this.inbox.get(session) ?? Promise.resolve();
    const next: Promise<void> = previous
      .then(() => this.handle(session, frame))
      .catch((err: unknown) =>
        this.handlerFailed(session, err, 'id' in frame ? frame.id : undefined),
      )
      .then(() => {
        // An idle session keeps no settled promise (nor its WeakMap entry).
        if (this.inbox.get(session) === next) this.inbox.delete(session);
      });
    this.inbox.set(session, next);
  }

  heartbeat(session: Session): void {
    this.send(session, { type: 'ping', ts: Date.now() });
  }

  tokenExpiring(session: Session): void {
    const expiresAt = session.identity?.expiresAt;
    if (!expiresAt) return;
    this.send(session, {
      type: 'token_expiring',
      expiresAt: expiresAt.toISOString(),
      inMs: Math.max(0, expiresAt.getTime() - Date.now()),
    });
  }

  notice(session: Session, level: 'info' | 'warning', code: string, message: string): void {
    this.send(session, { type: 'notice', level, code, message });
  }

  private async handle(session: Session, frame: ClientFrame): Promise<void> {
    if (session.isClosed) return;
    if (session.state.kind === 'authenticating') {
      if (frame.type !== 'hello') {
        this.error(session, 'NOT_AUTHENTICATED', undefined, 'id' in frame ? frame.id : undefined);
        session.close(CloseCode.PROTOCOL_VIOLATION, 'hello expected');
        return;
      }
      await this.hello(session, frame);
      return;
    }
    switch (frame.type) {
      case 'hello':
        this.error(session, 'ALREADY_AUTHENTICATED', undefined, frame.id);
        return;
      case 'auth':
        await this.refresh(session, frame.id, frame.token);
        return;
      case 'subscribe':
      case 'unsubscribe': {
        const r =
          frame.type === 'subscribe'
            ? session.subscribe(frame.items)
            : session.unsubscribe(frame.items);
        this.send(session, {
          type: 'subscribed',
          id: frame.id,
          subscriptions: session.subscriptions,
          rejected: r.rejected,
        });
        return;
      }
      case 'ack': {
        const identity = session.identity;
        const ack = {
          ...(frame.upToSeq !== undefined ? { upToSeq: frame.upToSeq } : {}),
          ...(frame.ids ? { ids: frame.ids } : {}),
        };
        const count = identity && this.ctx.onAck ? await this.ctx.onAck(identity, ack) : 0;
        this.send(session, { type: 'acked', id: frame.id, ...ack, count });
        return;
      }
      case 'ping':
        this.send(session, { type: 'pong', ts: Date.now(), ...(frame.id ? { id: frame.id } : {}) });
        return;
      case 'pong':
        return;
    }
  }

  private async hello(session: Session, frame: HelloFrame): Promise<void> {
    let identity = session.identity;
    if (frame.token !== undefined) {
      try {
        identity = await this.ctx.verifyIdentity(frame.token);
      } catch (err) {
        this.authFailed(session, frame.id, err);
        return;
      }
    }
    if (!identity) {
      this.authFailed(session, frame.id, new AuthError('AUTH_FAILED', 'no token'));
      return;
    }
    if (session.isClosed) return;
    session.clientName = frame.client?.name;
    // Refused when the user was disconnected or revoked since the identity was verified (at the
    // upgrade with a bearer header, or just now): the hub has closed the session with that code.
    if (!session.authenticate(identity, frame.client?.instanceId)) return;
    this.ctx.authOutcome({
      ok: true,
      ip: session.ip,
      wire: session.wire,
      userId: identity.userId,
      username: identity.username,
    });
    // No await between subscribing and starting the stream: no event can slip between them.
    const resolution = session.replaceSubscriptions(
      frame.subscribe ?? DEFAULT_SUBSCRIPTIONS[identity.role],
    );
    const start = await session.startStream(frame.resume);
    if (session.isClosed) return;
    const o = this.ctx.sessionOptions;
    this.send(session, {
      type: 'welcome',
      id: frame.id,
      protocol: PROTOCOL_VERSION,
      sessionId: session.id,
      user: {
        id: identity.userId,
        username: identity.username,
        role: identity.role,
        zones: identity.zones,
      },
      subscriptions: session.subscriptions,
      rejected: resolution.rejected,
      heartbeatMs: o.heartbeatMs,
      position: start.position,
      resume: start.resume,
      tokenExpiresAt: identity.expiresAt.toISOString(),
      limits: { maxFrameBytes: o.maxFrameBytes, ratePerSec: o.ratePerSec, burst: o.burst },
    });
    // Not awaited: a replay is paced by the peer's reading and may last minutes; the session's
    // later frames (an auth refresh before the token expires, pings, acks) are handled meanwhile.
    start.run().catch((err: unknown) => this.replayFailed(session, err));
  }

  /**
   * A log read failed during the replay: the session cannot go live without a gap, so it closes
   * with the reconnect-class INTERNAL_ERROR and the client resumes from its watermark.
   */
  private replayFailed(session: Session, err: unknown): void {
    try {
      this.ctx.logger.error({ error: errorInfo(err), session: session.id }, 'replay failed');
    } finally {
      session.close(CloseCode.INTERNAL_ERROR, 'internal error');
    }
  }

  private async refresh(session: Session, id: string, token: string): Promise<void> {
    let identity: Identity;
    try {
      identity = await this.ctx.verifyToken(token);
    } catch (err) {
      const code = err instanceof AuthError ? err.code : 'AUTH_FAILED';
      this.ctx.authOutcome({
        ok: false,
        ip: session.ip,
        wire: session.wire,
        userId: session.userId,
        reason: code,
      });
      this.error(session, code, undefined, id);
      return;
    }
    if (identity.userId !== session.userId) {
      this.error(session, 'TOKEN_USER_MISMATCH', undefined, id);
      return;
    }
    const removed = session.refreshIdentity(identity);
    this.ctx.authOutcome({
      ok: true,
      ip: session.ip,
      wire: session.wire,
      userId: identity.userId,
      username: identity.username,
    });
    this.send(session, { type: 'authed', id, tokenExpiresAt: identity.expiresAt.toISOString() });
    this.subscriptionsNarrowed(session, removed);
  }

  /**
   * The documented answer to a narrowing the client did not ask for: the new set in a
   * `subscribed` without `id` (what was dropped in `rejected`, reason `forbidden`), then a
   * notice `subscriptions_narrowed` naming it. Nothing when nothing was dropped.
   */
  subscriptionsNarrowed(session: Session, removed: readonly EventType[]): void {
    if (removed.length === 0 || session.isClosed) return;
    this.send(session, {
      type: 'subscribed',
      subscriptions: session.subscriptions,
      rejected: removed.map((item) => ({ item, reason: 'forbidden' as const })),
    });
    const role = session.identity?.role ?? 'viewer';
    const message = `Subscriptions narrowed to what the ${role} role may receive; removed: ${removed.join(', ')}`;
    this.notice(
      session,
      'info',
      NOTICE_CODES.SUBSCRIPTIONS_NARROWED,
      message.length > MAX_NOTICE ? `${message.slice(0, MAX_NOTICE - 1)}…` : message,
    );
  }

  private authFailed(session: Session, id: string, err: unknown): void {
    const code = err instanceof AuthError ? err.code : 'AUTH_FAILED';
    if (!(err instanceof AuthError))
      this.ctx.logger.warn({ err }, 'token verifier threw a non-auth error');
    this.ctx.authOutcome({ ok: false, ip: session.ip, wire: session.wire, reason: code });
    this.error(session, code, undefined, id);
    session.close(
      CloseCode.AUTH_FAILED,
      code === 'TOKEN_EXPIRED' ? 'token expired' : 'authentication failed',
    );
  }

  /**
   * A frame handler rejected: the peer gets an INTERNAL error frame and the connection stays.
   * Never throws (it runs in a promise chain nobody else awaits, where a throw would be an
   * unhandled rejection); if even the reply fails, the connection closes with INTERNAL_ERROR.
   */
  private handlerFailed(session: Session, err: unknown, id: string | undefined): void {
    try {
      this.ctx.logger.error({ error: errorInfo(err), session: session.id }, 'frame handler failed');
      this.error(session, 'INTERNAL', undefined, id);
    } catch {
      session.close(CloseCode.INTERNAL_ERROR, 'internal error');
    }
  }

  private error(session: Session, code: ErrorCode, detail?: string, id?: string): void {
    const message = detail ? `${ERRORS[code].message}: ${detail}` : ERRORS[code].message;
    this.send(session, { type: 'error', code, message, ...(id !== undefined ? { id } : {}) });
  }

  private send(session: Session, frame: ServerFrame): void {
    session.send(frame.type, encodeFrame(frame));
  }
}

/** What the log gets of a failure: never the object itself (it may hold a token or a frame). */
function errorInfo(err: unknown): { name?: string; message: string; stack?: string | undefined } {
  return err instanceof Error
    ? { name: err.name, message: err.message, stack: err.stack }
    : { message: String(err) };
}
