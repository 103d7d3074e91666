import { describe, expect, it } from 'vitest';
import type { DnsNetworkSettings } from '@hdns/protocol/rest';
import {
  aclErrors,
  aclLines,
  draftOf,
  isDirty,
  lanPreset,
  settingsOfDraft,
} from './dns-settings-draft';

const SETTINGS: DnsNetworkSettings = {
  listen: { port: 5300, ipv4: [], ipv6: [] },
  allowQuery: ['localhost'],
  allowRecursion: ['localhost', '10.0.0.0/8'],
  recursion: true,
  dnssecValidation: 'auto',
  forwardPolicy: 'first',
  rateLimit: {
    enabled: false,
    responsesPerSecond: 10,
    window: 5,
    slip: 2,
    logOnly: false,
    exemptClients: [],
  },
};

describe('DNS settings draft', () => {
  it('round-trips settings through the draft unchanged', () => {
    const back = settingsOfDraft(draftOf(SETTINGS));
    expect(back).toEqual({ ok: true, settings: SETTINGS });
    expect(isDirty(draftOf(SETTINGS), SETTINGS)).toBe(false);
  });

  it('reads ACL text one entry per line, ignoring blank lines and spaces', () => {
    expect(aclLines(' localhost \n\n10.0.0.0/8\n! 10.0.0.5 ')).toEqual([
      'localhost',
      '10.0.0.0/8',
      '! 10.0.0.5',
    ]);
    const draft = { ...draftOf(SETTINGS), allowRecursion: 'localhost\n\n 10.0.0.0/8 \n' };
    expect(isDirty(draft, SETTINGS)).toBe(false);
  });

  it('names the bad ACL line with the protocol message', () => {
    expect(aclErrors('localhost\n10.0.0.300\n!192.0.2.0/24')).toMatch(
      /^line 2 \(10\.0\.0\.300\): must be any, none, localhost, localnets/,
    );
    expect(aclErrors('any\n!10.0.0.5\n2001:db8::/32\nlocalnets')).toBeUndefined();
  });

  it('refuses a bad draft field by field, before any round trip', () => {
    const draft = {
      ...draftOf(SETTINGS),
      port: '70000',
      allowQuery: '',
      allowRecursion: 'localhost\nnot-an-acl',
      rateLimit: { ...draftOf(SETTINGS).rateLimit, slip: 'x', window: '0' },
    };
    const r = settingsOfDraft(draft);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(
      ['allowQuery', 'allowRecursion', 'listen/port', 'rateLimit/slip', 'rateLimit/window'].sort(),
    );
    expect(r.errors.allowRecursion).toMatch(/^line 2 \(not-an-acl\)/);
    expect(r.errors['rateLimit/slip']).toBe('must be a whole number');
  });

  it('changes what is different and counts the draft dirty', () => {
    const draft = {
      ...draftOf(SETTINGS),
      rateLimit: { ...draftOf(SETTINGS).rateLimit, enabled: true },
    };
    expect(isDirty(draft, SETTINGS)).toBe(true);
    const r = settingsOfDraft(draft);
    expect(r.ok && r.settings.rateLimit.enabled).toBe(true);
  });

  it('serves the LAN: any v4 and v6 on port 53, localnets, recursion on', () => {
    const off = { ...draftOf(SETTINGS), recursion: false };
    const lan = settingsOfDraft(lanPreset(off, () => false));
    expect(lan.ok).toBe(true);
    if (!lan.ok) return;
    expect(lan.settings.listen).toEqual({ port: 53, ipv4: ['any'], ipv6: ['any'] });
    expect(lan.settings.allowQuery).toEqual(['localnets']);
    expect(lan.settings.allowRecursion).toEqual(['localnets']);
    expect(lan.settings.recursion).toBe(true);
    expect(lan.settings.rateLimit).toEqual(SETTINGS.rateLimit);
  });

  it('leaves the fields the environment locks as they are in the preset', () => {
    const draft = lanPreset(draftOf(SETTINGS), (f) => f === 'listen/port' || f === 'allowQuery');
    expect(draft.port).toBe('5300');
    expect(draft.allowQuery).toBe('localhost');
    expect(draft.ipv4).toEqual(['any']);
  });
});
