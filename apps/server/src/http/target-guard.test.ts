import { describe, expect, it } from 'vitest';
import { isPublicAddress, refusedLiteral } from './target-guard.js';

describe('alert target guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::7f00:1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.4.4', '172.32.0.1'])(
    'allows %s',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it('checks literal hosts in URLs, bracketed IPv6 included', () => {
    expect(refusedLiteral(new URL('http://127.0.0.1:8080/x'))).toBe('127.0.0.1');
    expect(refusedLiteral(new URL('http://[::1]/x'))).toBe('::1');
    expect(refusedLiteral(new URL('http://localhost:9/x'))).toBe('localhost');
    expect(refusedLiteral(new URL('https://8.8.8.8/'))).toBeNull();
    expect(refusedLiteral(new URL('https://hooks.example.com/'))).toBeNull();
  });
});
