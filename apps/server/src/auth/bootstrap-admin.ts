import { randomBytes } from 'node:crypto';
import { AUDIT_ACTIONS, type AuditLog } from '../audit/audit-log.js';
import { isAppError } from '../http/app-error.js';
import type { UserService } from '../users/user-service.js';

export const BOOTSTRAP_ADMIN_USERNAME = 'admin';

export interface BootstrapResult {
  created: boolean;
  /** Set only when a password was generated; show it to the operator once, never log it. */
  generatedPassword: string | null;
}

/**
 * Creates the first admin when there are no users at all. Uses the configured password, or
 * generates one. A concurrent start that created the admin first is not an error.
 */
export async function bootstrapAdmin(
  users: UserService,
  audit: AuditLog,
  configuredPassword: string | null,
): Promise<BootstrapResult> {
  if ((await users.count()) > 0) return { created: false, generatedPassword: null };
  const generated = configuredPassword === null ? randomBytes(18).toString('base64url') : null;
  try {
    const admin = await users.create(
      {
        username: BOOTSTRAP_ADMIN_USERNAME,
        password: configuredPassword ?? generated ?? '',
        role: 'admin',
      },
      { actor: null, ip: null },
    );
    await audit.record({
      action: AUDIT_ACTIONS.adminBootstrap,
      target: `user:${admin.id}`,
      details: { username: admin.username, passwordGenerated: generated !== null },
    });
  } catch (err) {
    if (isAppError(err) && err.code === 'USERNAME_TAKEN') {
      return { created: false, generatedPassword: null };
    }
    throw err;
  }
  return { created: true, generatedPassword: generated };
}
