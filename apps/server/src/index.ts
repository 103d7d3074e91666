export { buildApp, type BuildAppOptions } from './app.js';
export {
  ConfigError,
  LOG_LEVELS,
  loadConfig,
  type AppConfig,
  type LoadConfigOptions,
  type LogLevel,
  type LoginLimits,
} from './config.js';
export { buildLoggerOptions, maskUrlSecrets, REDACT_PATHS } from './logger.js';

export { AppError, isAppError, type AppErrorOptions } from './http/app-error.js';
export { errorBodySchema, errorResponses } from './http/error-schema.js';
export { toAppError } from './http/error-handler.js';
export { assertAllowedOrigin } from './http/origin-check.js';

export { openDatabase, runMigrations, pingDatabase, DATABASE_FILE, type Db } from './storage/db.js';
export { MIGRATIONS, migrationProvider } from './storage/migrations/index.js';
export type { Database } from './storage/schema.js';

export {
  AUDIT_ACTIONS,
  AuditLog,
  type AuditActor,
  type AuditEntry,
  type AuditFilter,
  type AuditRecordInput,
} from './audit/audit-log.js';

export { requireIdentity, type AuthHook } from './auth/auth-plugin.js';
export {
  AccessTokens,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  verifyAccessToken,
  type AccessTokenKey,
} from './auth/access-tokens.js';
export type { Identity } from './auth/identity.js';
export { hashPassword, verifyPassword } from './auth/password.js';
export { LoginLimiter } from './auth/login-limiter.js';
export { SlidingWindowCounter } from './auth/sliding-window-counter.js';
export { REFRESH_COOKIE, REFRESH_COOKIE_PATH } from './auth/refresh-cookie.js';
export {
  bootstrapAdmin,
  BOOTSTRAP_ADMIN_USERNAME,
  type BootstrapResult,
} from './auth/bootstrap-admin.js';

export { UserService, type ActionContext } from './users/user-service.js';
export type { User } from './users/user.js';
