import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnssecPolicySpecSchema, type DnssecPolicySpec } from '@hdns/protocol/rest';
import { bindBinaries, tempDir } from '../../test/bind-helpers.js';
import { bindLayout } from './bind-layout.js';
import { BindTools } from './bind-tools.js';
import { ensureKeyDirectory, keyDirectory } from './dnssec-files.js';
import { renderDnssecPolicies, renderDnssecPolicy } from './dnssec-policy.js';
import { renderZoneStatement } from './named-config.js';

// Every rendering goes through the real named-checkconf, which is the gate in production too.
let tmp: { dir: string; remove: () => Promise<void> };
let tools: BindTools;

beforeAll(async () => {
  tmp = await tempDir('hdns-dnssec-policy-');
  tools = new BindTools({
    binaries: bindBinaries(),
    rndc: { confFile: path.join(tmp.dir, 'none.conf'), host: '127.0.0.1', port: 1 },
  });
});
afterAll(() => tmp.remove());

let n = 0;
async function checkConf(text: string): Promise<{ ok: boolean; message: string }> {
  const file = path.join(tmp.dir, `named-${++n}.conf`);
  await writeFile(file, text);
  return tools.checkConf(file);
}

const spec = (input: unknown): DnssecPolicySpec => dnssecPolicySpecSchema.parse(input);

const CSK = spec({
  name: 'one-csk',
  algorithm: 'ecdsap256sha256',
  keys: { kind: 'csk', lifetime: 'unlimited' },
});
const SPLIT = spec({
  name: 'split_nsec3',
  algorithm: 'ecdsap384sha384',
  keys: { kind: 'ksk-zsk', kskLifetime: 'P1Y', zskLifetime: 'P90D' },
  nsec3: true,
  signaturesValidity: 'P21D',
});
const RSA_ED = spec({
  name: 'rsa',
  algorithm: 'ed25519',
  keys: { kind: 'ksk-zsk', kskLifetime: 'unlimited', zskLifetime: 'P60D' },
});

describe('renderDnssecPolicy', () => {
  it('renders a CSK policy BIND accepts', async () => {
    const text = renderDnssecPolicy(CSK);
    expect(text).toBe(
      [
        'dnssec-policy "one-csk" {',
        '  keys {',
        '    csk key-directory lifetime unlimited algorithm ecdsap256sha256;',
        '  };',
        '};',
      ].join('\n'),
    );
    expect(await checkConf(text)).toEqual({ ok: true, message: 'OK' });
  });

  it('renders KSK+ZSK, NSEC3 and signature validity that named-checkconf accepts', async () => {
    const text = renderDnssecPolicies([CSK, SPLIT, RSA_ED]);
    expect(text).toContain('nsec3param iterations 0 optout no salt-length 0;');
    expect(text).toContain('signatures-validity P21D;');
    expect(text).toContain('    zsk key-directory lifetime P60D algorithm ed25519;');
    expect(text).toContain('    ksk key-directory lifetime P1Y algorithm ecdsap384sha384;');
    expect(await checkConf(text)).toEqual({ ok: true, message: 'OK' });
  });

  it('a zone statement using a custom policy passes named-checkconf with the policy', async () => {
    const layout = bindLayout(tmp.dir);
    // named-checkconf wants the key directory to exist (the writer creates it first).
    await ensureKeyDirectory(layout, 'signed.test');
    const zone = renderZoneStatement(
      { name: 'signed.test', type: 'primary', defaultTtl: 300, serial: 1, dnssecPolicy: 'rsa' },
      layout,
    );
    expect(zone).toContain('dnssec-policy "rsa";');
    expect(zone).toContain('inline-signing yes;');
    expect(zone).toContain(`key-directory "${path.join(tmp.dir, 'keys', 'signed.test')}";`);
    expect(await checkConf(`${renderDnssecPolicies([RSA_ED])}\n${zone}\n`)).toEqual({
      ok: true,
      message: 'OK',
    });
    // Without the definition, BIND refuses the zone: the gate catches an unknown policy name.
    const missing = await checkConf(`${zone}\n`);
    expect(missing.ok).toBe(false);
    expect(missing.message).toMatch(/rsa/);
    expect((await stat(keyDirectory(layout, 'signed.test'))).mode & 0o777).toBe(0o700);
  });

  it('named-checkconf refuses a validity shorter than the refresh interval', async () => {
    const text = renderDnssecPolicy({ ...CSK, name: 'short', signaturesValidity: 'P1D' });
    const check = await checkConf(text);
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/signatures-refresh/);
  });

  it('refuses built-in names, duplicates and bad shapes', () => {
    expect(() => renderDnssecPolicy({ ...CSK, name: 'default' })).toThrow(/built-in/);
    expect(() => renderDnssecPolicies([CSK, { ...CSK, name: 'ONE-CSK' }])).toThrow(/twice/);
    expect(() => renderDnssecPolicy({ ...CSK, name: 'a"b' })).toThrow(/policy name/);
    expect(dnssecPolicySpecSchema.safeParse({ ...CSK, name: 'insecure' }).success).toBe(false);
    const badLifetime = { kind: 'csk', lifetime: '90 days' };
    expect(dnssecPolicySpecSchema.safeParse({ ...CSK, keys: badLifetime }).success).toBe(false);
    expect(dnssecPolicySpecSchema.safeParse({ ...CSK, algorithm: 'rsamd5' }).success).toBe(false);
  });
});
