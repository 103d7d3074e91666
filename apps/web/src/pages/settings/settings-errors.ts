/**
 * What a refused save means for the DNS settings form. A stale version (409) opens the conflict
 * view; a refusal whose `details.issues[].path` names a field marks that field (validation, and
 * a named-checkconf refusal when the server can name the setting); anything else, a checker's
 * message included, is shown at the top of the form.
 */
import { errorMessage, isApiError } from '../../api/api-error';
import { fieldMessage, fieldOfPath, pathSegments, type FieldErrors } from './settings-fields';

export type SaveFailure = { kind: 'stale' } | { kind: 'refused'; errors: FieldErrors };

interface Issue {
  path: string;
  message: string;
}

function issuesOf(details: unknown): Issue[] {
  if (typeof details !== 'object' || details === null) return [];
  const list = (details as { issues?: unknown }).issues;
  if (!Array.isArray(list)) return [];
  const out: Issue[] = [];
  for (const raw of list as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const { path, message } = raw as { path?: unknown; message?: unknown };
    out.push({
      path: typeof path === 'string' ? path : '',
      message: typeof message === 'string' ? message : 'invalid',
    });
  }
  return out;
}

/** A STALE_VERSION answer, or another 409 whose code says the version moved on. */
function isStale(err: unknown): boolean {
  return isApiError(err) && err.status === 409 && /STALE/.test(err.code);
}

export function saveFailureOf(err: unknown): SaveFailure {
  if (isStale(err)) return { kind: 'stale' };
  const errors: FieldErrors = {};
  const unplaced: string[] = [];
  const issues = isApiError(err) ? issuesOf(err.details) : [];
  for (const issue of issues) {
    const { field, index } = fieldOfPath(pathSegments(issue.path));
    if (field === undefined) {
      const where = issue.path.replace(/^\//, '');
      unplaced.push(where ? `${where}: ${issue.message}` : issue.message);
    } else {
      errors[field] ??= fieldMessage(field, index, issue.message);
    }
  }
  if (issues.length === 0 || !isApiError(err)) {
    // No field named: the whole message at the top (a checker's output comes in `details`).
    errors.form = errorMessage(err);
  } else if (unplaced.length > 0) {
    errors.form = `${err.message}: ${unplaced.join('; ')}`;
  } else {
    errors.form = `${err.message}: see the marked settings`;
  }
  return { kind: 'refused', errors };
}
