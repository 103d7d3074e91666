import { describe, expect, it } from 'vitest';
import { forwarderPatchSchema } from './policy-schemas.js';
import { secondaryPatchSchema } from './secondary-schemas.js';

/**
 * A PATCH changes only what it sends: zod applies a field's default even inside `.partial()`,
 * so patch schemas are built from fields without defaults. These pin that down.
 */
describe('patch schemas carry no defaults', () => {
  it('a forwarder patch of the name leaves port and enabled out', () => {
    expect(forwarderPatchSchema.parse({ version: 3, name: 'upstream' })).toEqual({
      version: 3,
      name: 'upstream',
    });
  });

  it('a secondary patch of the port leaves the key, enabled and name out', () => {
    expect(secondaryPatchSchema.parse({ version: 1, port: 5301 })).toEqual({
      version: 1,
      port: 5301,
    });
    expect(secondaryPatchSchema.parse({ version: 1, tsigKeyId: null })).toEqual({
      version: 1,
      tsigKeyId: null,
    });
  });
});
