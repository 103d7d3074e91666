import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-error';
import { saveFailureOf } from './settings-errors';

describe('saveFailureOf', () => {
  it('opens the conflict view for a stale version', () => {
    const err = new ApiError(409, 'STALE_VERSION', 'The resource changed since it was read', {
      currentVersion: 4,
    });
    expect(saveFailureOf(err)).toEqual({ kind: 'stale' });
  });

  it('marks each named field and says so at the top', () => {
    const err = new ApiError(400, 'VALIDATION_ERROR', 'Request validation failed', {
      issues: [
        { path: '/listen/ipv4/1', message: '192.0.2.9 is not an address of this host' },
        { path: '/allowRecursion/2', message: 'must be any, none, …' },
        { path: '/allowRecursion/3', message: 'second issue on the same field' },
      ],
    });
    const f = saveFailureOf(err);
    expect(f).toEqual({
      kind: 'refused',
      errors: {
        'listen/ipv4': 'entry 2: 192.0.2.9 is not an address of this host',
        allowRecursion: 'line 3: must be any, none, …',
        form: 'Request validation failed: see the marked settings',
      },
    });
  });

  it('puts issues naming no field at the top', () => {
    const err = new ApiError(400, 'VALIDATION_ERROR', 'Request validation failed', {
      issues: [
        { path: '/version', message: 'Invalid input' },
        { path: '/rateLimit/slip', message: 'Too big' },
      ],
    });
    const f = saveFailureOf(err);
    expect(f.kind === 'refused' && f.errors).toEqual({
      'rateLimit/slip': 'Too big',
      form: 'Request validation failed: version: Invalid input',
    });
  });

  it("shows a checker's refusal at the top with its message", () => {
    const err = new ApiError(422, 'ZONE_CHECK_FAILED', 'named-checkzone rejected the zone', {
      file: 'named.conf',
      message: "named.conf:12: unknown option 'rate-limt'",
    });
    const f = saveFailureOf(err);
    expect(f.kind === 'refused' && f.errors).toEqual({
      form: "named-checkzone rejected the zone: named.conf:12: unknown option 'rate-limt'",
    });
  });

  it('reports a network failure at the top', () => {
    const f = saveFailureOf(new TypeError('Failed to fetch'));
    expect(f.kind === 'refused' && f.errors.form).toBe(
      'The server cannot be reached. Check your connection.',
    );
  });
});
