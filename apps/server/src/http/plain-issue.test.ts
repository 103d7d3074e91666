import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toAppError } from './error-handler.js';

/** The issues' messages as the API returns them, by path. */
function messages(schema: z.ZodType, input: unknown): Record<string, string> {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected failure');
  const details = toAppError(result.error).details as {
    issues: { path: string; message: string }[];
  };
  return Object.fromEntries(details.issues.map((i) => [i.path, i.message]));
}

describe('plain validation messages', () => {
  it("says zod's default bounds and types plainly", () => {
    const schema = z.object({
      port: z.number().int().min(1).max(65_535),
      rate: z.number().min(1),
      name: z.string().min(1).max(63),
      label: z.string().min(3),
      list: z.array(z.string()).max(2),
      share: z.number().lt(1),
      enabled: z.boolean(),
      address: z.union([z.ipv4(), z.ipv6()]),
    });
    expect(
      messages(schema, {
        port: 70_000,
        rate: 0,
        name: '',
        label: 'ab',
        list: ['a', 'b', 'c'],
        share: 1,
        enabled: 'yes',
        address: 'nope',
      }),
    ).toEqual({
      '/port': 'must be at most 65535',
      '/rate': 'must be at least 1',
      '/name': 'must not be empty',
      '/label': 'must be at least 3 characters long',
      '/list': 'must have at most 2 items',
      '/share': 'must be less than 1',
      '/enabled': 'must be a boolean',
      '/address': 'is not a valid value here',
    });
    expect(messages(z.object({ ttl: z.number() }), {})).toEqual({ '/ttl': 'is required' });
  });

  it('keeps the messages a schema wrote itself, and the informative defaults', () => {
    const schema = z.object({
      name: z.string().regex(/^[a-z]+$/, 'name must be lowercase letters'),
      kind: z.enum(['a', 'b']),
      ip: z.ipv4(),
    });
    const got = messages(schema, { name: 'X', kind: 'c', ip: '1.2.3' });
    expect(got['/name']).toBe('name must be lowercase letters');
    expect(got['/kind']).toMatch(/^Invalid option: expected one of/);
    expect(got['/ip']).toBe('Invalid IPv4 address');
  });
});
