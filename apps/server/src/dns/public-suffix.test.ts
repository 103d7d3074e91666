import { describe, expect, it } from 'vitest';
import { isAtOrAbovePublicSuffix, registrableDomain } from './public-suffix.js';

describe('isAtOrAbovePublicSuffix', () => {
  it.each([
    'com',
    'net',
    'uk',
    'co.uk',
    'com.',
    'COM',
    '',
    // Unlisted single labels are TLDs too.
    'internal',
    'lan',
    'arpa',
    'in-addr.arpa',
    'ip6.arpa',
    // Private section of the list: one suffix, thousands of owners.
    'github.io',
    'blogspot.com',
    // Wildcard rules: every name right below is a suffix, so the parent is above one.
    'kawasaki.jp',
    'ck',
  ])('%j is at or above a public suffix', (name) => {
    expect(isAtOrAbovePublicSuffix(name)).toBe(true);
  });

  it.each([
    'example.com',
    'corp.internal',
    'home.arpa',
    'lan.home.arpa',
    '10.in-addr.arpa',
    '168.192.in-addr.arpa',
    'd.f.ip6.arpa',
    'sub.example.co.uk',
    'example.co.uk',
    '_msdcs.corp.internal',
    'me.github.io',
    'city.kawasaki.jp',
  ])('%j is an ordinary zone', (name) => {
    expect(isAtOrAbovePublicSuffix(name)).toBe(false);
  });
});

describe('registrableDomain', () => {
  it.each([
    ['x7f3q.www.example.com', 'example.com'],
    ['a.b.example.co.uk.', 'example.co.uk'],
    ['Me.GitHub.io', 'me.github.io'],
    ['example.com', 'example.com'],
    ['com', null],
    ['co.uk', null],
    ['', null],
  ])('%j → %j', (name, domain) => {
    expect(registrableDomain(name)).toBe(domain);
  });
});
