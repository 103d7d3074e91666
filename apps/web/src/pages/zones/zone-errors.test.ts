import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/api-error';
import { createZoneErrorText } from './zone-errors';

describe('createZoneErrorText', () => {
  it("names who may create the zone and gives the server's reason for ZONE_NEEDS_ADMIN", () => {
    const err = new ApiError(403, 'ZONE_NEEDS_ADMIN', 'server wording', {
      zone: 'corp.example',
      reason: 'forward zone corp.example sends its queries to other servers for every client',
    });
    expect(createZoneErrorText(err)).toBe(
      'Only an admin can create corp.example: forward zone corp.example sends its queries to ' +
        'other servers for every client. Ask an admin to create it, or to grant you exactly this zone.',
    );
  });

  it('still reads without details', () => {
    expect(createZoneErrorText(new ApiError(403, 'ZONE_NEEDS_ADMIN', 'x'))).toBe(
      'Only an admin can create this zone. Ask an admin to create it, or to grant you exactly this zone.',
    );
  });

  it("shows other errors as the server's message", () => {
    const err = new ApiError(409, 'CONFLICT', 'zone corp.example already exists');
    expect(createZoneErrorText(err)).toBe('zone corp.example already exists');
  });
});
