/**
 * Which filter a refused search names. The server's VALIDATION_ERROR lists issues with JSON
 * pointer paths into the query string (`/client`, `/minLatencyMs`); the filter form's keys are
 * the API's parameter names, so the first segment is the field.
 */
import { isApiError } from '../../api/api-error';

export type FieldErrors = Partial<Record<string, string>>;

export function fieldErrorsOf(err: unknown): FieldErrors {
  if (!isApiError(err, 'VALIDATION_ERROR')) return {};
  const details = err.details;
  if (typeof details !== 'object' || details === null) return {};
  const issues = (details as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return {};
  const out: FieldErrors = {};
  for (const raw of issues as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const { path, message } = raw as { path?: unknown; message?: unknown };
    if (typeof path !== 'string') continue;
    const field = path.replace(/^\//, '').split('/')[0];
    if (field) out[field] ??= typeof message === 'string' ? message : 'invalid';
  }
  return out;
}
