import { CloseCode, ERRORS, type ErrorCode } from '@hdns/protocol';
import {
  LEGACY_TEXT_PING,
  LEGACY_TEXT_PONG,
  legacyErrorMessage,
  legacyReceives,
  legacyPongMessage,
  legacySubscriptionUpdatedMessage,
  legacyValidationErrorMessage,
  parseLegacyMessage,
  type LegacyClientMessage,
  type LegacyGeneration,
  type LegacyServerMessageType,
} from '@hdns/protocol/legacy';
import type { Rejection } from '../authorizer.js';
import type { EventEncoder } from '../encoded-event.js';
import type { LoggedEvent } from '../event-log/event-log.js';
import type { Hub } from '../hub.js';
import { InboundGuard } from '../inbound-guard.js';
import type { Session } from '../session.js';
import type { Wire } from '../wire.js';
import { legacyCloseFor, type WireClose } from './legacy-close.js';
import { legacyFraming } from './legacy-encoding.js';
import {
  deprecationNotice,
  legacyNotice,
  subscriptionErrors,
  tokenExpiringNotice,
} from './legacy-replies.js';

/** What the legacy wires use of the hub. */
export type LegacyHost = Pick<
  Hub,
  | 'metrics'
  | 'sessionOptions'
  | 'logger'
  | 'publish'
  | 'disconnectUserEverywhere'
  | 'clusterConnections'
  | 'stats'
>;

/** What attachLegacy hands a wire about one connection. */
export interface LegacyLink {
  /**
   * Sends a WebSocket protocol-level ping. Legacy clients never answer app-level pings, but
   * every WebSocket stack answers protocol pings by itself; attachLegacy turns the pong into
   * `session.lastSeen`, so the session's heartbeat timeout still finds dead peers without
   * closing quiet live ones.
   */
  ping(): void;
  /** Whether the greeting is followed by the deprecation notice (LegacyAttachOptions.announce). */
  announce: boolean;
}

/**
 * Any legacy server message: every one carries a `type` (also its metrics label), one of those
 * docs/protocol.md lists (LEGACY_SERVER_MESSAGES), so an undocumented one cannot be sent.
 */
type Outgoing = { type: LegacyServerMessageType };

interface LegacyState<L extends LegacyLink> {
  link: L;
  guard: InboundGuard;
  /** Messages are handled one at a time per session, in arrival order, after the greeting. */
  inbox: Promise<void>;
}

/**
 * What both legacy generations share: inbound limits (the same InboundGuard as v1), parsing
 * with the protocol's legacy schema, in-order handling, legacy error replies, protocol-level
 * pings and the legacy close codes. Subclasses supply the greeting and the message handlers.
 */
export abstract class LegacyWire<L extends LegacyLink> implements Wire {
  abstract readonly format: 'legacy1' | 'legacy2';
  abstract readonly encode: EventEncoder;
  readonly framing = legacyFraming;
  protected abstract readonly generation: LegacyGeneration;
  private readonly states = new WeakMap<Session, LegacyState<L>>();

  constructor(protected readonly host: LegacyHost) {}

  /** Subscription items of a new connection (a gen1 preset, the role's defaults for gen2). */
  protected abstract initialSubscriptions(session: Session, link: L): readonly string[];
  /** The generation's connection_established message. */
  protected abstract established(session: Session, link: L): Outgoing;
  protected abstract handle(
    session: Session,
    message: LegacyClientMessage,
    link: L,
  ): void | Promise<void>;

  /**
   * Starts an authenticated session: subscriptions, stream (legacy clients cannot resume, so it
   * starts at the head), then connection_established and the deprecation notice. Messages that
   * arrive meanwhile wait in the inbox. Resolves once the session is live or closed; never rejects.
   */
  begin(session: Session, link: L): Promise<void> {
    const state: LegacyState<L> = {
      link,
      guard: new InboundGuard(this.host.sessionOptions),
      inbox: Promise.resolve(),
    };
    this.states.set(session, state);
    // No await between subscribing and starting the stream: no event can slip between them.
    session.replaceSubscriptions(this.initialSubscriptions(session, link));
    const ready = session
      .startStream(undefined)
      .then(async (start) => {
        if (session.isClosed) return;
        this.sendMessage(session, this.established(session, link));
        if (link.announce) this.sendMessage(session, deprecationNotice(this.generation));
        await start.run();
      })
      .catch((err: unknown) => {
        try {
          this.host.logger.error({ err, session: session.id }, 'legacy session failed to start');
        } finally {
          session.close(CloseCode.INTERNAL_ERROR, 'internal error');
        }
      });
    state.inbox = ready;
    return ready;
  }

  onMessage(session: Session, raw: Buffer, isBinary: boolean): void {
    const state = this.states.get(session);
    if (session.isClosed || !state) return;
    session.touch();
    this.host.metrics.legacy(this.generationLabel, 'message');
    const o = this.host.sessionOptions;
    const verdict = state.guard.check(raw.length);
    if (verdict.kind === 'too_large') {
      this.host.metrics.frameIn('oversize', raw.length);
      this.error(session, 'FRAME_TOO_LARGE', `limit is ${o.maxFrameBytes} bytes`);
      if (state.guard.violation()) session.close(CloseCode.FRAME_TOO_LARGE, 'frames too large');
      return;
    }
    if (verdict.kind === 'close_rate_limited') {
      session.close(CloseCode.RATE_LIMITED, 'rate limit exceeded');
      return;
    }
    if (verdict.kind === 'rate_limited') {
      this.host.metrics.frameIn('rate_limited', raw.length);
      if (verdict.reply) this.error(session, 'RATE_LIMITED');
      return;
    }
    if (this.generation === 1 && !isBinary && raw.toString() === LEGACY_TEXT_PING) {
      // The earliest gen-1 dashboard's keep-alive (legacy-client.ts): answered in kind.
      this.host.metrics.frameIn('ping', raw.length);
      session.send('pong', LEGACY_TEXT_PONG);
      return;
    }
    const parsed = isBinary
      ? ({ ok: false, code: 'BAD_FRAME', message: 'binary messages are not accepted' } as const)
      : parseLegacyMessage(raw);
    if (!parsed.ok) {
      this.host.metrics.frameIn('invalid', raw.length);
      // Schema failures were `validation_error` in the old protocol; the rest plain `error`.
      if (parsed.code === 'BAD_FRAME') {
        this.sendMessage(
          session,
          legacyValidationErrorMessage(ERRORS.BAD_FRAME.message, [parsed.message]),
        );
      } else {
        this.sendMessage(session, legacyErrorMessage(parsed.code, parsed.message));
      }
      if (state.guard.violation()) {
        session.close(CloseCode.PROTOCOL_VIOLATION, 'too many invalid messages');
      }
      return;
    }
    const message = parsed.message;
    this.host.metrics.frameIn(message.type, raw.length);
    state.inbox = state.inbox
      .then(() => (session.isClosed ? undefined : this.handle(session, message, state.link)))
      .catch((err: unknown) => {
        // Never throws: nobody awaits this chain, so a throw would be an unhandled rejection.
        try {
          this.host.logger.error({ err, session: session.id }, 'legacy message handler failed');
          this.error(session, 'INTERNAL');
        } catch {
          session.close(CloseCode.INTERNAL_ERROR, 'internal error');
        }
      });
  }

  heartbeat(session: Session): void {
    try {
      this.states.get(session)?.link.ping();
    } catch (err) {
      // ws throws while the socket is still connecting; the next beat tries again.
      this.host.logger.warn({ err, session: session.id }, 'legacy ping failed');
    }
  }

  tokenExpiring(session: Session): void {
    const expiresAt = session.identity?.expiresAt;
    if (expiresAt) this.sendMessage(session, tokenExpiringNotice(expiresAt));
  }

  notice(session: Session, level: 'info' | 'warning', code: string, message: string): void {
    this.sendMessage(session, legacyNotice(level, code, message));
  }

  /** `session_expired` and its like only about the session's own user (legacy-own-events.ts). */
  accepts(session: Session, event: LoggedEvent): boolean {
    return legacyReceives(event.event, event.data, session.userId, session.identity?.credentialId);
  }

  closeCodeFor(code: number, reason: string): WireClose {
    return legacyCloseFor(code, reason);
  }

  protected get generationLabel(): '1' | '2' {
    return this.generation === 1 ? '1' : '2';
  }

  protected pong(session: Session): void {
    this.sendMessage(session, legacyPongMessage());
  }

  /** Adds (`subscribe`) or removes (`unsubscribe`) items and answers subscription_updated. */
  protected changeSubscriptions(
    session: Session,
    change: 'subscribe' | 'unsubscribe',
    items: readonly string[],
  ): void {
    const r = change === 'subscribe' ? session.subscribe(items) : session.unsubscribe(items);
    this.subscriptionUpdated(session, r.rejected);
  }

  protected subscriptionUpdated(session: Session, rejected: readonly Rejection[] = []): void {
    this.sendMessage(
      session,
      legacySubscriptionUpdatedMessage(session.subscriptions, subscriptionErrors(rejected)),
    );
  }

  protected error(session: Session, code: ErrorCode, detail?: string): void {
    const message = detail ? `${ERRORS[code].message}: ${detail}` : ERRORS[code].message;
    this.sendMessage(session, legacyErrorMessage(code, message));
  }

  protected sendMessage(session: Session, message: Outgoing): void {
    session.send(message.type, JSON.stringify(message));
  }
}
