import type { Actor } from '@hdns/hub';
import type { AuditActor } from '../audit/audit-log.js';
import { outboxEvent, type OutboxEvent } from '../outbox/outbox-event.js';
import type { User } from './user.js';

/**
 * The events that describe a stored user change, built inside the change's transaction and
 * written to the outbox with it (UserService), so a role, zone, disable, password or delete
 * change is never stored without its event. Types and payloads are the ones the audit bridge
 * used to publish after the commit (clients see no difference):
 * - `session_expired` (reason `user_disabled` / `password_changed`) when the user was disabled
 *   or their password changed, `revoked` when they were deleted;
 * - `permission_changed` when their role or zone grants changed (after session_expired when
 *   both happen).
 * Login, logout and refresh-token reuse stay audit-bridge publishes (realtime/audit-events.ts):
 * they describe audit entries, not changes to stored users.
 */

function sameZones(a: string[] | null, b: string[] | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The event actor for an audit actor (null when the change has no signed-in author). */
export function eventActor(actor: AuditActor | null): Actor | null {
  return actor?.userId && actor.username ? { id: actor.userId, username: actor.username } : null;
}

export function userUpdateEvents(
  before: User,
  after: User,
  passwordChanged: boolean,
  actor: Actor | null,
): OutboxEvent[] {
  const options = { actor, source: 'users' };
  const who = { userId: after.id, username: after.username };
  const events: OutboxEvent[] = [];
  const disabledNow = after.disabled && !before.disabled;
  if (disabledNow || passwordChanged) {
    events.push(
      outboxEvent(
        'session_expired',
        { ...who, reason: disabledNow ? 'user_disabled' : 'password_changed' },
        options,
      ),
    );
  }
  const roleChanged = before.role !== after.role;
  const zonesChanged = !sameZones(before.zones, after.zones);
  if (roleChanged || zonesChanged) {
    const now = { role: after.role, zones: after.role === 'admin' ? null : after.zones };
    events.push(
      outboxEvent(
        'permission_changed',
        {
          ...who,
          before: {
            role: roleChanged ? before.role : now.role,
            zones: zonesChanged ? before.zones : now.zones,
          },
          after: now,
        },
        options,
      ),
    );
  }
  return events;
}

export function userDeleteEvents(deleted: User, actor: Actor | null): OutboxEvent[] {
  return [
    outboxEvent(
      'session_expired',
      { userId: deleted.id, username: deleted.username, reason: 'revoked' },
      { actor, source: 'users' },
    ),
  ];
}
