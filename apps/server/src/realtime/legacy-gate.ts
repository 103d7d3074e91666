import type { WebSocket } from 'ws';
import { AuthError } from '@hdns/hub';
import { LEGACY_CLOSE, LEGACY_MIGRATION_GUIDE, legacyErrorMessage } from '@hdns/protocol/legacy';
import type { LegacyMode } from '@hdns/protocol/rest';
import type {
  LegacyAttach,
  LegacyAttachContext,
  LegacyRefuse,
  LegacyRefusalContext,
  LegacyRouteContext,
} from './legacy-handoff.js';
import type { LegacyUseKey, LegacyUseStore } from './legacy-use-store.js';

export interface LegacyGateOptions {
  /** HDNS_LEGACY. */
  mode: LegacyMode;
  /**
   * The hub's legacy attach. `announce`: whether the greeting is followed by the deprecation
   * notice (true in `warn`, false in `on`).
   */
  attach(
    socket: WebSocket,
    context: LegacyAttachContext,
    announce: boolean,
  ): void | Promise<unknown>;
  /** Where each legacy connection is recorded (one write when it opens, one when it closes). */
  usage: Pick<LegacyUseStore, 'record' | 'closed'>;
  /** `hdns_ws_legacy_total{generation, kind="refused"}` for sockets closed by `off`. */
  metrics: { legacy(generation: '1' | '2', kind: string): void };
  log: { error(obj: object, msg?: string): void };
}

/** What a refused socket reads before the close (the old clients print `error` data). */
export const LEGACY_DISABLED_MESSAGE =
  'This server no longer accepts the legacy WebSocket protocols (HDNS_LEGACY=off). Move to ' +
  `protocol v1 on /ws (the @hdns/client SDK); see ${LEGACY_MIGRATION_GUIDE}.`;

/**
 * HDNS_LEGACY in one place: every legacy socket, whatever its route, passes the same rule.
 *
 * - `on`: attached without the deprecation notice; `warn`: attached with it.
 * - `off`: `refuse` is set, and the upgrade handler hands it every legacy socket before any
 *   authentication (so a tokenless, a bad-token and a valid-token client get the same answer,
 *   and none costs a lookup). The socket (already upgraded: the old clients expect an open,
 *   then a close) gets one legacy `error` naming the migration guide, then
 *   LEGACY_CLOSE.DISABLED, and is counted as `kind="refused"`. It is recorded per user only
 *   when its URL carries a token that verifies (checked after the close, beside it): an
 *   unverified claim names nobody, and a row per claim would let anyone write rows.
 *
 * Each socket is recorded per (user, generation, route, type) for the admin page: an upsert when
 * it is accepted or refused, and when an accepted one closes, its last-seen time (after the
 * upsert, so a socket that closes at once cannot be overtaken). The writes run beside the
 * connection, never delaying it; a failed write is logged. `close()` records the last-seen time
 * of the sockets still open (the hub closes them after this gate: Fastify runs onClose hooks
 * last-registered first), then stops recording and waits for writes in flight, so none reaches
 * a closed database.
 */
export class LegacyGate {
  readonly attach: LegacyAttach;
  /** Set in `off` only (see the class comment). */
  readonly refuse: LegacyRefuse | undefined;
  private readonly pending = new Set<Promise<void>>();
  /** Accepted sockets still open, each with the write of its last-seen time. */
  private readonly open = new Map<WebSocket, () => void>();
  private closing = false;

  constructor(private readonly options: LegacyGateOptions) {
    this.attach = (socket, context) => this.admit(socket, context);
    this.refuse =
      options.mode === 'off' ? (socket, context) => this.refuseSocket(socket, context) : undefined;
  }

  get mode(): LegacyMode {
    return this.options.mode;
  }

  /**
   * Records the last-seen time of every socket still open, then stops recording (sockets
   * closing from now on are not written) and drains. Idempotent.
   */
  async close(): Promise<void> {
    if (!this.closing) {
      for (const seen of [...this.open.values()]) seen();
      this.closing = true;
    }
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private admit(socket: WebSocket, context: LegacyAttachContext): void | Promise<unknown> {
    const { mode, usage } = this.options;
    // Not reached in `off` (the handler refuses first); kept so the rule has no gap.
    if (mode === 'off') {
      return this.refuseSocket(socket, {
        ...context,
        identify: () => Promise.resolve(context.identity),
      });
    }
    const key = keyOf(context.identity.userId, context);
    const opened = this.write(() => usage.record(key, 'accepted', context.userAgent));
    const seen = (): void => {
      if (!this.open.delete(socket)) return;
      void this.write(() => usage.closed(key), opened);
    };
    this.open.set(socket, seen);
    socket.once('close', seen);
    return this.options.attach(socket, context, mode === 'warn');
  }

  private refuseSocket(socket: WebSocket, context: LegacyRefusalContext): void {
    this.options.metrics.legacy(context.generation === 1 ? '1' : '2', 'refused');
    socket.send(JSON.stringify(legacyErrorMessage('FORBIDDEN', LEGACY_DISABLED_MESSAGE)));
    socket.close(LEGACY_CLOSE.DISABLED.code, LEGACY_CLOSE.DISABLED.reason);
    const identify = context.identify;
    if (!identify) return; // no credential: counted, recorded for nobody
    void this.write(async () => {
      const identity = await identify().catch((err: unknown) => {
        // A token that does not verify names nobody: not a failure of the record.
        if (err instanceof AuthError) return undefined;
        throw err;
      });
      if (!identity) return;
      await this.options.usage.record(
        keyOf(identity.userId, context),
        'refused',
        context.userAgent,
      );
    });
  }

  /**
   * Runs `work` beside the connection, after `after` (the same socket's earlier write); resolves
   * (never rejects) once it is done. Tracked from this call on, so close() waits for it.
   */
  private write(
    work: () => Promise<void>,
    after: Promise<void> = Promise.resolve(),
  ): Promise<void> {
    if (this.closing) return Promise.resolve();
    const done = after.then(work).catch((err: unknown) => {
      this.options.log.error({ err }, 'recording legacy protocol use failed');
    });
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
    return done;
  }
}

function keyOf(userId: string, context: LegacyRouteContext): LegacyUseKey {
  return {
    userId,
    generation: context.generation,
    route: context.route,
    connectionType: context.connectionType,
  };
}
