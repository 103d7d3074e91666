/**
 * What the password form says for each refusal: the server's codes in words a user acts on.
 */
import { errorMessage, isApiError } from '../../api/api-error';

export function passwordChangeError(err: unknown): string {
  if (isApiError(err, 'CURRENT_PASSWORD_WRONG'))
    return 'The current password is wrong. Your password was not changed.';
  if (isApiError(err, 'TOO_MANY_ATTEMPTS')) {
    const d = err.details as { retryAfterSeconds?: unknown } | undefined;
    const wait = typeof d?.retryAfterSeconds === 'number' ? d.retryAfterSeconds : undefined;
    return `Too many wrong attempts. Try again${wait ? ` in ${wait} s` : ' later'}.`;
  }
  if (isApiError(err, 'VALIDATION_ERROR'))
    return `The new password is not accepted: ${errorMessage(err)}`;
  return errorMessage(err);
}
