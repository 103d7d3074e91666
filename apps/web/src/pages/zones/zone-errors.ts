/**
 * The create-zone form's error text. ZONE_NEEDS_ADMIN gets its own wording: the operator did
 * nothing wrong in the form, so the text says who can create the zone and why (the server's
 * reason, from `details`), instead of reading like a validation failure.
 */
import { errorMessage, isApiError } from '../../api/api-error';

function detailsOf(details: unknown): { zone?: string; reason?: string } {
  if (typeof details !== 'object' || details === null) return {};
  const d = details as { zone?: unknown; reason?: unknown };
  return {
    ...(typeof d.zone === 'string' ? { zone: d.zone } : {}),
    ...(typeof d.reason === 'string' ? { reason: d.reason } : {}),
  };
}

export function createZoneErrorText(err: unknown): string {
  if (!isApiError(err, 'ZONE_NEEDS_ADMIN')) return errorMessage(err);
  const { zone, reason } = detailsOf(err.details);
  return [
    `Only an admin can create ${zone ?? 'this zone'}`,
    reason ? `: ${reason}.` : '.',
    ' Ask an admin to create it, or to grant you exactly this zone.',
  ].join('');
}
