import {
  legacyConnectionEstablished2,
  legacyHeartbeatMessage,
  legacyEventTypes,
  type LegacyClientMessage,
} from '@hdns/protocol/legacy';
import { DEFAULT_SUBSCRIPTIONS } from '../authorizer.js';
import type { Session } from '../session.js';
import { isLegacyAdminMessage, runLegacyAdmin } from './legacy-admin.js';
import { legacy2EventEncoder } from './legacy-encoding.js';
import { connectionStatusReply, healthCheckReply, statsReply } from './legacy-replies.js';
import { LegacyWire, type LegacyLink } from './legacy-wire.js';

/**
 * Generation 2, the first "unified" socket on `/ws?token=`: starts with the role's default
 * subscriptions (as a v1 hello without `subscribe`), sends its `heartbeat` message on every
 * beat, and accepts both the gen2 message names and its frontend's `subscribe`/`unsubscribe`.
 * Admin requests from other roles get a legacy `error` with code FORBIDDEN.
 */
export class Legacy2Wire extends LegacyWire<LegacyLink> {
  readonly format = 'legacy2' as const;
  readonly encode = legacy2EventEncoder;
  protected readonly generation = 2 as const;

  protected initialSubscriptions(session: Session): readonly string[] {
    return DEFAULT_SUBSCRIPTIONS[session.identity?.role ?? 'viewer'];
  }

  protected established(session: Session) {
    const identity = session.identity;
    return legacyConnectionEstablished2(
      {
        id: session.userId,
        username: identity?.username ?? '',
        isAdmin: identity?.role === 'admin',
      },
      session.subscriptions,
      new Date(session.connectedAt).toISOString(),
    );
  }

  override heartbeat(session: Session): void {
    super.heartbeat(session);
    this.sendMessage(session, legacyHeartbeatMessage());
  }

  protected async handle(session: Session, message: LegacyClientMessage): Promise<void> {
    if (isLegacyAdminMessage(message)) {
      if (session.identity?.role !== 'admin') {
        this.error(session, 'FORBIDDEN', `${message.type} requires the admin role`);
        return;
      }
      if (session.identity.readOnly && message.type !== 'get_connection_stats') {
        this.error(session, 'READ_ONLY_TOKEN', `${message.type} changes something`);
        return;
      }
      this.sendMessage(session, await runLegacyAdmin(this.host, session, message));
      return;
    }
    switch (message.type) {
      case 'ping':
        this.pong(session);
        return;
      case 'pong':
        return;
      case 'subscribe_events':
      case 'subscribe':
        this.changeSubscriptions(session, 'subscribe', legacyEventTypes(message));
        return;
      case 'unsubscribe_events':
      case 'unsubscribe':
        this.changeSubscriptions(session, 'unsubscribe', legacyEventTypes(message));
        return;
      case 'subscribe_category':
        this.changeSubscriptions(session, 'subscribe', [message.data.category]);
        return;
      case 'get_subscription_info':
        this.subscriptionUpdated(session);
        return;
      case 'get_connection_status':
        this.sendMessage(session, connectionStatusReply(session));
        return;
      case 'health_check':
        this.sendMessage(session, healthCheckReply());
        return;
      case 'get_stats':
        this.sendMessage(session, statsReply(session, null));
        return;
    }
  }
}
