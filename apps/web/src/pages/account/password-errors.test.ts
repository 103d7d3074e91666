import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-error';
import { passwordChangeError } from './password-errors';

describe('passwordChangeError', () => {
  it('says what each refusal means for the user', () => {
    expect(passwordChangeError(new ApiError(400, 'CURRENT_PASSWORD_WRONG', 'x'))).toBe(
      'The current password is wrong. Your password was not changed.',
    );
    expect(
      passwordChangeError(new ApiError(429, 'TOO_MANY_ATTEMPTS', 'x', { retryAfterSeconds: 42 })),
    ).toBe('Too many wrong attempts. Try again in 42 s.');
    expect(passwordChangeError(new ApiError(429, 'TOO_MANY_ATTEMPTS', 'x'))).toBe(
      'Too many wrong attempts. Try again later.',
    );
    expect(
      passwordChangeError(
        new ApiError(400, 'VALIDATION_ERROR', 'Request validation failed', {
          issues: [{ path: '/newPassword', message: 'Too small' }],
        }),
      ),
    ).toBe('The new password is not accepted: Request validation failed: newPassword: Too small');
    expect(passwordChangeError(new ApiError(500, 'INTERNAL', 'Internal error'))).toBe(
      'Internal error',
    );
  });
});
