import { describe, expect, it } from 'vitest';
import type { DnsNetworkSettings } from '@hdns/protocol/rest';
import { settingsDiff, settingsRows } from './settings-summary';

const S: DnsNetworkSettings = {
  listen: { port: 53, ipv4: ['any'], ipv6: [] },
  allowQuery: ['localnets', 'localhost'],
  allowRecursion: [],
  recursion: false,
  dnssecValidation: 'auto',
  forwardPolicy: 'only',
  rateLimit: {
    enabled: true,
    responsesPerSecond: 20,
    window: 5,
    slip: 2,
    logOnly: true,
    exemptClients: [],
  },
};

describe('settings summary', () => {
  it('reads every setting as text', () => {
    expect(settingsRows(S)).toEqual({
      'Listen port': '53',
      'IPv4 listen': 'any',
      'IPv6 listen': 'loopback only',
      'Allow query': 'localnets; localhost',
      'Allow recursion': '(none)',
      Recursion: 'off',
      'DNSSEC validation': 'auto',
      'Forward policy': 'only',
      'Rate limiting': '20/s over 5s, slip 2, log only',
      'Rate limit exempt': '(none)',
    });
  });

  it('flags exactly the rows that differ', () => {
    const other = { ...S, recursion: true, rateLimit: { ...S.rateLimit, enabled: false } };
    const diff = settingsDiff(S, other).filter((r) => r.differs);
    expect(diff).toEqual([
      { label: 'Recursion', mine: 'off', current: 'on', differs: true },
      {
        label: 'Rate limiting',
        mine: '20/s over 5s, slip 2, log only',
        current: 'off',
        differs: true,
      },
    ]);
  });
});
