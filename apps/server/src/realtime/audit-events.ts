import { CloseCode, isRole, type Role } from '@hdns/protocol';
import type { Hub } from '@hdns/hub';
import type { AuditListener } from '../audit/audit-log.js';
import { AUDIT_ACTIONS } from '../audit/audit-log.js';
import type { UserService } from '../users/user-service.js';

interface Logger {
  error(obj: object, msg?: string): void;
}

type Zones = string[] | null;

function asZones(value: unknown): Zones {
  return Array.isArray(value) ? value.filter((z): z is string => typeof z === 'string') : null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * Turns audit records into real-time user events and keeps live sessions in step with user
 * changes: a login or logout becomes user_login/user_logout; a role or zone change becomes
 * permission_changed and closes that user's sockets with PERMISSIONS_CHANGED (reconnect with a
 * refreshed token, which carries the new rights); a password change or a disable closes them
 * with CREDENTIALS_REVOKED (terminal) and emits session_expired; deleting a user or refresh-token
 * reuse ends them with KICKED (session_expired too).
 */
export function auditEventBridge(hub: Hub, users: UserService, log: Logger): AuditListener {
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
      case AUDIT_ACTIONS.userDelete:
        hub.disconnectUser(userId, 'user deleted');
        publish(
          hub.publish(
            'session_expired',
            { userId, username, reason: 'revoked' },
            { actor, source: 'users' },
          ),
        );
        return;
      case AUDIT_ACTIONS.userUpdate: {
        const role = record(details.role);
        const zones = record(details.zones);
        const roleChanged = isRole(role.from) && isRole(role.to);
        const zonesChanged = 'from' in zones || 'to' in zones;
        // Every such change voided the user's access tokens (token version), so their sockets
        // close now: terminal when they must sign in again, reconnect-class when a refreshed
        // token (carrying the new rights) lets them back in.
        const revoked = details.disabled === true || details.passwordChanged === true;
        if (revoked) {
          const disabled = details.disabled === true;
          hub.disconnectUser(
            userId,
            disabled ? 'user disabled' : 'password changed',
            CloseCode.CREDENTIALS_REVOKED,
          );
          publish(
            hub.publish(
              'session_expired',
              { userId, username, reason: disabled ? 'user_disabled' : 'password_changed' },
              { actor, source: 'users' },
            ),
          );
        } else if (roleChanged || zonesChanged || details.disabled === false) {
          hub.disconnectUser(userId, 'permissions changed', CloseCode.PERMISSIONS_CHANGED);
        }
        if (roleChanged || zonesChanged) {
          // The stored user is the truth for the "after" side; the audit details say what moved.
          publish(
            users.findStored(userId).then(async (user) => {
              if (!user) return;
              const after = { role: user.role, zones: user.role === 'admin' ? null : user.zones };
              const before = {
                role: roleChanged ? (role.from as Role) : after.role,
                zones: zonesChanged ? asZones(zones.from) : after.zones,
              };
              await hub.publish(
                'permission_changed',
                { userId, username, before, after },
                { actor, source: 'users' },
              );
            }),
          );
        }
        return;
      }
    }
  };
}
