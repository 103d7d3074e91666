import { describe, expect, it } from 'vitest';
import { LEGACY_SERVER_MESSAGES, type LegacyReply } from '@hdns/protocol/legacy';
import type { Session } from '../session.js';
import {
  broadcastSentReply,
  connectionStatsReply,
  connectionStatusReply,
  deprecationNotice,
  healthCheckReply,
  legacyNotice,
  statsReply,
  tokenExpiringNotice,
  userDisconnectedReply,
} from './legacy-replies.js';

/** The fields the replies read of a session, nothing else. */
const session = {
  id: 's1',
  userId: 'u1',
  identity: { userId: 'u1', username: 'alice', role: 'viewer', zones: null },
  isClosed: false,
  connectedAt: 0,
  subscriptions: ['health_update'],
  wire: 'legacy2',
  counters: { framesOut: 1, framesIn: 2, eventsOut: 3, eventsLost: 0 },
} as unknown as Session;

describe('legacy replies', () => {
  it('send exactly the data fields docs/protocol.md lists for their type', () => {
    const replies: LegacyReply[] = [
      deprecationNotice(1),
      legacyNotice('warning', 'server_shutdown', 'bye'),
      tokenExpiringNotice(new Date(Date.now() + 60_000)),
      statsReply(session, 'health'),
      connectionStatusReply(session),
      healthCheckReply(),
      connectionStatsReply({ connections: 1, users: 1 }, []),
      userDisconnectedReply('u2', 1),
      broadcastSentReply('b1', 7),
    ];
    for (const reply of replies) {
      expect({ type: reply.type, data: Object.keys(reply.data) }).toEqual({
        type: reply.type,
        data: LEGACY_SERVER_MESSAGES[reply.type].data,
      });
    }
  });
});
