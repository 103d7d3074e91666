import type { EventType, Role } from '@hdns/protocol';
import type { WireFormat } from './encoded-event.js';
import type { Session } from './session.js';

/** One live connection as the admin API and the legacy admin replies show it. */
export interface ConnectionInfo {
  sessionId: string;
  userId: string;
  username: string;
  role: Role;
  ip: string;
  protocol: WireFormat;
  client: string | null;
  connectedAt: string;
  subscriptions: EventType[];
  queueDepth: number;
  bufferedBytes: number;
  framesIn: number;
  framesOut: number;
  eventsOut: number;
  eventsLost: number;
  /** The instance holding the socket, when instances share sessions (`SessionCluster`). */
  node?: string;
}

export function describeConnection(s: Session): ConnectionInfo {
  return {
    sessionId: s.id,
    userId: s.userId,
    username: s.identity?.username ?? '',
    role: s.identity?.role ?? 'viewer',
    ip: s.ip,
    protocol: s.wire,
    client: s.clientName ?? null,
    connectedAt: new Date(s.connectedAt).toISOString(),
    subscriptions: s.subscriptions,
    queueDepth: s.queueDepth,
    bufferedBytes: s.bufferedBytes,
    framesIn: s.counters.framesIn,
    framesOut: s.counters.framesOut,
    eventsOut: s.counters.eventsOut,
    eventsLost: s.counters.eventsLost,
  };
}
