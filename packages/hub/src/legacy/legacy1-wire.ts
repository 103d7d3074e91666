import {
  legacyConnectionEstablished1,
  legacyPreset,
  legacyEventTypes,
  type LegacyClientMessage,
  type LegacyConnectionType,
} from '@hdns/protocol/legacy';
import type { Session } from '../session.js';
import { legacy1EventEncoder } from './legacy-encoding.js';
import { statsReply } from './legacy-replies.js';
import { LegacyWire, type LegacyLink } from './legacy-wire.js';

export interface Legacy1Link extends LegacyLink {
  /** The `{connection_type}` of `/ws/{connection_type}/{user_id}`, already validated. */
  connectionType: LegacyConnectionType;
}

/**
 * Generation 1: one socket per connection type, subscribed to the type's preset (narrowed by
 * role: a viewer on `system` does not get the admin-only user events). Accepts `ping`, `pong`,
 * `subscribe` / `unsubscribe` (the list in `data.event_types`, or at the top level as `events`
 * or `event_types`), `subscribe_events` / `unsubscribe_events` (what the old dashboard's
 * WebSocketProvider sends on `/api/websocket/ws/{type}`), and `get_stats`.
 *
 * `subscribe` adds to the current set rather than replacing it, so a client can never lose
 * its preset by subscribing to one more type; the reply is `subscription_updated`.
 */
export class Legacy1Wire extends LegacyWire<Legacy1Link> {
  readonly format = 'legacy1' as const;
  readonly encode = legacy1EventEncoder;
  protected readonly generation = 1 as const;

  protected initialSubscriptions(_session: Session, link: Legacy1Link): readonly string[] {
    return legacyPreset(link.connectionType);
  }

  protected established(session: Session, link: Legacy1Link) {
    return legacyConnectionEstablished1(link.connectionType, session.subscriptions);
  }

  protected handle(session: Session, message: LegacyClientMessage, link: Legacy1Link): void {
    switch (message.type) {
      case 'ping':
        this.pong(session);
        return;
      case 'pong':
        return;
      case 'subscribe':
      case 'subscribe_events':
        this.changeSubscriptions(session, 'subscribe', legacyEventTypes(message));
        return;
      case 'unsubscribe':
      case 'unsubscribe_events':
        this.changeSubscriptions(session, 'unsubscribe', legacyEventTypes(message));
        return;
      case 'get_stats':
        this.sendMessage(session, statsReply(session, link.connectionType));
        return;
      default:
        this.error(
          session,
          'UNKNOWN_FRAME_TYPE',
          `"${message.type}" is not a message of this connection type's protocol`,
        );
    }
  }
}
