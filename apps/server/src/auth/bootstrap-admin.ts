import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AUDIT_ACTIONS, type AuditLog } from '../audit/audit-log.js';
import { isAppError } from '../http/app-error.js';
import { writePrivateFileOnce } from '../storage/private-files.js';
import type { UserService } from '../users/user-service.js';

export const BOOTSTRAP_ADMIN_USERNAME = 'admin';

/** Where a generated first-admin password is kept (mode 0600), beside the databases. */
export const INITIAL_ADMIN_PASSWORD_FILE = 'initial-admin-password';

export function initialAdminPasswordFile(dataDir: string): string {
  return path.join(dataDir, INITIAL_ADMIN_PASSWORD_FILE);
}

export interface BootstrapResult {
  created: boolean;
  /** Set only when a password was generated; show it to the operator once, never log it. */
  generatedPassword: string | null;
  /** The 0600 file holding the generated password; null when none was generated. */
  passwordFile: string | null;
}

export interface BootstrapOptions {
  /** With it, a generated password is also written to `<dataDir>/initial-admin-password`. */
  dataDir?: string;
}

/**
 * The password to generate: the one already in the password file (a concurrent first start, or
 * an earlier start that died between writing the file and creating the user), else a new one
 * written there first, so the password is on disk before any user has it and is never lost.
 */
function generatedPassword(file: string | null): string {
  const fresh = randomBytes(18).toString('base64url');
  if (file === null || writePrivateFileOnce(file, `${fresh}\n`)) return fresh;
  const kept = readFileSync(file, 'utf8').trim();
  return kept.length >= 8 ? kept : fresh;
}

/**
 * Creates the first admin when there are no users at all. Uses the configured password, or
 * generates one. A concurrent start that created the admin first is not an error.
 */
export async function bootstrapAdmin(
  users: UserService,
  audit: AuditLog,
  configuredPassword: string | null,
  options: BootstrapOptions = {},
): Promise<BootstrapResult> {
  const none = { created: false, generatedPassword: null, passwordFile: null };
  if ((await users.count()) > 0) return none;
  const file =
    configuredPassword === null && options.dataDir !== undefined
      ? initialAdminPasswordFile(options.dataDir)
      : null;
  const generated = configuredPassword === null ? generatedPassword(file) : null;
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
    if (isAppError(err) && err.code === 'USERNAME_TAKEN') return none;
    throw err;
  }
  return { created: true, generatedPassword: generated, passwordFile: file };
}
