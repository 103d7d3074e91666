import { ERRORS, httpStatusOf, type ErrorBody, type ErrorCode } from '@hdns/protocol';

export interface AppErrorOptions {
  /** Overrides the catalogue's human message (the code stays the contract). */
  message?: string;
  /** Extra response headers, e.g. Retry-After or WWW-Authenticate. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An expected failure with a stable code from the protocol catalogue. The central error handler
 * turns it into `{code, message, details?}` with the catalogue's HTTP status.
 * `details` goes to the client as is: never put secrets in it.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, details?: unknown, options: AppErrorOptions = {}) {
    super(options.message ?? ERRORS[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = httpStatusOf(code);
    this.details = details;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
