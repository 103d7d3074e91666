/**
 * The server's error body (`{code, message, details}` from @hdns/protocol) as a thrown error, so
 * callers can branch on `code` (STALE_VERSION, FORBIDDEN …) instead of parsing messages.
 */
import type { ErrorBody } from '@hdns/protocol';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    let body: Partial<ErrorBody> | undefined;
    try {
      body = (await response.json()) as Partial<ErrorBody>;
    } catch {
      body = undefined;
    }
    return new ApiError(
      response.status,
      typeof body?.code === 'string' ? body.code : `HTTP_${response.status}`,
      typeof body?.message === 'string' ? body.message : response.statusText || 'Request failed',
      body?.details,
    );
  }
}

export function isApiError(err: unknown, code?: string): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

/** A short, human message for any thrown value (network errors included). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const issues = validationIssues(err.details);
    return issues ? `${err.message}: ${issues}` : err.message;
  }
  if (err instanceof TypeError) return 'The server cannot be reached. Check your connection.';
  if (err instanceof Error) return err.message;
  return String(err);
}

function validationIssues(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const d = details as { issues?: unknown; message?: unknown };
  if (Array.isArray(d.issues)) {
    return d.issues
      .slice(0, 3)
      .map((i: { path?: unknown; message?: unknown }) =>
        [
          typeof i.path === 'string' ? i.path.replace(/^\//, '') : '',
          typeof i.message === 'string' ? i.message : '',
        ]
          .filter(Boolean)
          .join(': '),
      )
      .join('; ');
  }
  return typeof d.message === 'string' ? d.message : undefined;
}
