import { describe, expect, it } from 'vitest';
import { detectDnstapSupport, dnstapBuiltIn } from './dnstap-support.js';

const DEBIAN = `BIND 9.18.49-1~deb12u3-Debian (Extended Support Version) <id:>
running on Linux x86_64 6.1.0
built by make with  '--build=x86_64-linux-gnu' '--prefix=/usr' '--enable-dnstap' '--with-libidn2' '--enable-shared'
compiled by GCC 12.2.0
compiled with protobuf-c version: 1.4.1`;

describe('dnstapBuiltIn', () => {
  it('finds --enable-dnstap among the configure arguments', () => {
    expect(dnstapBuiltIn(DEBIAN)).toBe(true);
    expect(dnstapBuiltIn("built by make with '--enable-dnstap=yes'")).toBe(true);
    expect(dnstapBuiltIn('built by make with --prefix=/usr --enable-dnstap')).toBe(true);
  });
  it('says no otherwise', () => {
    expect(dnstapBuiltIn(DEBIAN.replace("'--enable-dnstap' ", ''))).toBe(false);
    expect(dnstapBuiltIn("built by make with '--disable-dnstap'")).toBe(false);
    expect(dnstapBuiltIn("built by make with '--enable-dnstap=no'")).toBe(false);
    expect(dnstapBuiltIn("built by make with '--enable-dnstapx'")).toBe(false);
  });
});

describe('detectDnstapSupport', () => {
  it('runs named -V through the given runner', async () => {
    const calls: string[][] = [];
    const res = await detectDnstapSupport('/usr/sbin/named', (file, args) => {
      calls.push([file, ...args]);
      return Promise.resolve({ code: 0, stdout: DEBIAN, stderr: '', timedOut: false });
    });
    expect(res).toEqual({ supported: true });
    expect(calls).toEqual([['/usr/sbin/named', '-V']]);
  });
  it('reports a missing binary or a failed run', async () => {
    expect(
      await detectDnstapSupport('/nope', () =>
        Promise.resolve({
          code: null,
          stdout: '',
          stderr: '',
          timedOut: false,
          spawnError: 'ENOENT: spawn /nope ENOENT',
        }),
      ),
    ).toEqual({ supported: false, error: 'ENOENT: spawn /nope ENOENT' });
    expect(
      await detectDnstapSupport('/x', () =>
        Promise.resolve({ code: 1, stdout: '', stderr: '', timedOut: false }),
      ),
    ).toEqual({ supported: false, error: 'named -V exited with 1' });
  });
  it('works with the real runner on a missing binary', async () => {
    const res = await detectDnstapSupport('/nonexistent/named');
    expect(res.supported).toBe(false);
    expect(res.error).toMatch(/ENOENT/);
  });
});
