import type { Hub } from '@hdns/hub';
import type { AuditListener } from '../audit/audit-log.js';
import { AUDIT_ACTIONS } from '../audit/audit-log.js';

interface Logger {
  error(obj: object, msg?: string): void;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * Turns audit records into real-time user events and keeps live sessions in step with user
 * changes: a login or logout becomes user_login/user_logout, and refresh-token reuse
 * session_expired (these describe audit entries, not stored changes, so they stay publishes
 * after the fact); refresh-token reuse also ends the user's sockets with KICKED. Sockets of
 * changed or deleted users are closed by user-session-enforcer.ts, not here. The events of stored user changes (permission_changed,
 * session_expired of a disable, password change or deletion) are NOT published here: they are
 * committed with the change through the outbox (users/user-events.ts).
 */
export function auditEventBridge(hub: Hub, log: Logger): AuditListener {
  const publish = (p: Promise<unknown>): void => {
    p.catch((err: unknown) => log.error({ err }, 'failed to publish an audit-derived event'));
  };
  return (entry) => {
    const userId = entry.target?.startsWith('user:') ? entry.target.slice(5) : null;
    const details = record(entry.details);
    const username =
      (typeof details.username === 'string' ? details.username : null) ??
      entry.actor?.username ??
      null;
    if (!userId || !username) return;
    const actor =
      entry.actor?.userId && entry.actor.username
        ? { id: entry.actor.userId, username: entry.actor.username }
        : null;
    switch (entry.action) {
      case AUDIT_ACTIONS.loginSuccess:
        publish(
          hub.publish(
            'user_login',
            { userId, username, ip: entry.ip ?? null, method: 'password' },
            { actor, source: 'auth' },
          ),
        );
        return;
      case AUDIT_ACTIONS.logout:
        publish(
          hub.publish(
            'user_logout',
            { userId, username, ip: entry.ip ?? null },
            { actor, source: 'auth' },
          ),
        );
        return;
      case AUDIT_ACTIONS.refreshReuse:
        // A replay of a family revoked before ended nothing new: no event, no disconnect (else
        // whoever holds an old token could flood the event log and kick the user's new sessions).
        if (details.revokedTokens === 0) return;
        hub.disconnectUser(userId, 'session revoked');
        publish(
          hub.publish(
            'session_expired',
            { userId, username, reason: 'refresh_reuse' },
            { source: 'auth' },
          ),
        );
        return;
      // User updates and deletions: their sockets are closed by user-session-enforcer.ts as soon
      // as the change commits (not from this audit entry, whose insert may fail), and their
      // events are committed with the change (users/user-events.ts, outbox).
    }
  };
}
