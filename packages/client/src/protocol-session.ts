/**
 * The protocol side of the connection: what goes into each `hello`, what a `welcome` and every
 * later frame mean for the client's state. It implements the hooks Connection calls and owns
 * the per-stream state that survives reconnects: the resume position (ResumeTracker), the
 * subscriptions to restore (SubscriptionSet), requests and the offline queue (Outbox) and the
 * in-band token refresh (TokenRefresher). Events go to the EventRouter, the rest to signals.
 */
import {
  CloseCode,
  PROTOCOL_VERSION,
  type HelloFrame,
  type ServerFrame,
  type WelcomeFrame,
} from '@hdns/protocol';
import type { ConnectionHooks } from './connection.js';
import type { ConnectionSnapshot } from './connection-state.js';
import type { Emitter } from './emitter.js';
import type { EventRouter } from './event-router.js';
import type { ResolvedOptions } from './options.js';
import { Outbox } from './outbox.js';
import { ResumeTracker } from './resume-tracker.js';
import type { ClientSignals } from './signals.js';
import { SubscriptionSet } from './subscription-set.js';
import { TokenRefresher } from './token-refresh.js';

/** Reconnect-class closes after which the old token must not be offered again. */
const FRESH_TOKEN_CODES: ReadonlySet<number> = new Set([
  CloseCode.PERMISSIONS_CHANGED,
  CloseCode.TOKEN_EXPIRED,
]);

export class ProtocolSession implements ConnectionHooks {
  readonly tracker = new ResumeTracker();
  readonly wanted: SubscriptionSet;
  readonly outbox: Outbox;
  private readonly refresher: TokenRefresher;
  /**
   * Set when the server closed because the token is void (PERMISSIONS_CHANGED) or expired
   * (TOKEN_EXPIRED): the next hello asks getToken() for a fresh token. Cleared by a welcome.
   */
  private freshTokenNeeded = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly router: EventRouter,
    private readonly signals: Emitter<ClientSignals>,
    /** Writes one frame on the welcomed socket; false when there is none. */
    send: (text: string) => boolean,
  ) {
    const { logger } = options;
    this.wanted = new SubscriptionSet(options.subscriptions);
    this.outbox = new Outbox(options.offlineQueueSize, logger, send);
    this.refresher = new TokenRefresher({
      getToken: () => options.getToken({ purpose: 'refresh', fresh: false }),
      fraction: options.tokenRefreshAt,
      authenticate: async (token) =>
        (await this.outbox.request({ type: 'auth', token })).tokenExpiresAt,
      onRefreshed: (expiresAt) => signals.emit('token_refreshed', { expiresAt }),
      onFailed: (error) => {
        logger.warn('in-band token refresh failed; the server will close TOKEN_EXPIRED', {
          error,
        });
        signals.emit('token_refresh_failed', { error });
      },
    });
  }

  async hello(): Promise<HelloFrame> {
    const token = await this.options.getToken({ purpose: 'connect', fresh: this.freshTokenNeeded });
    const resume = this.tracker.resumeFrom();
    const subscribe = this.wanted.forHello();
    return {
      type: 'hello',
      id: 'hello',
      protocol: PROTOCOL_VERSION,
      token,
      ...(resume ? { resume } : {}),
      ...(subscribe ? { subscribe } : {}),
      client: this.options.client,
    };
  }

  welcome(frame: WelcomeFrame, hello: HelloFrame): void {
    this.freshTokenNeeded = false;
    const outcome = this.tracker.welcome(frame, hello.resume);
    this.wanted.replace(frame.subscriptions);
    this.refresher.start(frame.tokenExpiresAt);
    this.signals.emit('welcome', frame);
    if (outcome.kind === 'resync') {
      this.signals.emit('resync', {
        reason: outcome.reason,
        previous: outcome.previous,
        position: frame.position,
      });
    }
    this.outbox.online();
  }

  frame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'batch':
        for (const event of this.tracker.batch(frame.events, frame.through)) {
          this.router.dispatch(event);
        }
        return;
      case 'event': // v1 sends events in batches; a bare event frame carries no watermark
        if (this.tracker.accept(frame.seq)) this.router.dispatch(frame);
        return;
      case 'subscribed':
        this.wanted.replace(frame.subscriptions);
        this.outbox.settle(frame);
        this.signals.emit('subscriptions', {
          subscriptions: frame.subscriptions,
          rejected: frame.rejected,
        });
        return;
      case 'authed':
      case 'acked':
        this.outbox.settle(frame);
        return;
      case 'error':
        if (!this.outbox.settle(frame)) this.signals.emit('error', frame);
        return;
      case 'token_expiring':
        this.refresher.expiring(frame.inMs);
        return;
      case 'gap':
        this.signals.emit('gap', frame);
        return;
      case 'notice':
        this.signals.emit('notice', frame);
        return;
      default:
        return; // welcome (only once per socket), ping (answered by Connection), pong
    }
  }

  disconnected(): void {
    this.refresher.stop();
    this.outbox.offline();
  }

  state(snapshot: ConnectionSnapshot): void {
    if (snapshot.code !== undefined && FRESH_TOKEN_CODES.has(snapshot.code)) {
      this.freshTokenNeeded = true;
    }
    if (snapshot.state === 'closed') {
      this.refresher.stop();
      this.outbox.close(snapshot.reason);
    }
    this.signals.emit('state', snapshot);
  }
}
