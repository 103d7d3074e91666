import { describe, expect, it } from 'vitest';
import {
  detectFormat,
  feedName,
  lineParser,
  parseAdblockLine,
  parseDomainLine,
  parseHostsLine,
  parseRpzLine,
  newRpzState,
} from './feed-parsers.js';

describe('feed line parsers', () => {
  it('hosts: every name after an address, comments and local names ignored', () => {
    expect(parseHostsLine('0.0.0.0 ads.example.com tracker.example # trailing')).toEqual([
      { name: 'ads.example.com', subdomains: false },
      { name: 'tracker.example', subdomains: false },
    ]);
    expect(parseHostsLine('127.0.0.1\tAds.Example.NET.')).toEqual([
      { name: 'ads.example.net', subdomains: false },
    ]);
    expect(parseHostsLine('# a comment')).toEqual([]);
    expect(parseHostsLine('   ')).toEqual([]);
    expect(parseHostsLine('127.0.0.1 localhost')).toEqual([]);
    expect(parseHostsLine('::1 ip6-localhost')).toEqual([]);
    expect(parseHostsLine('not-an-address example.com')).toEqual(['skip']);
    expect(parseHostsLine('0.0.0.0 bad_name!.com')).toEqual(['skip']);
  });

  it('adblock: ||name^ covers subdomains; exceptions, regexes and cosmetics are skipped', () => {
    expect(parseAdblockLine('||ads.example.com^')).toEqual({
      name: 'ads.example.com',
      subdomains: true,
    });
    expect(parseAdblockLine('||ads.example.org^$important')).toEqual({
      name: 'ads.example.org',
      subdomains: true,
    });
    expect(parseAdblockLine('! Title: list')).toBeNull();
    expect(parseAdblockLine('[Adblock Plus 2.0]')).toBeNull();
    expect(parseAdblockLine('@@||good.example^')).toBe('skip');
    expect(parseAdblockLine('/ads[0-9]+\\.example/')).toBe('skip');
    expect(parseAdblockLine('example.com##.banner')).toBe('skip');
    expect(parseAdblockLine('||ads.example^$third-party')).toBe('skip');
    expect(parseAdblockLine('plain.example')).toEqual({ name: 'plain.example', subdomains: false });
  });

  it('domains: one per line, *.name for subdomains', () => {
    expect(parseDomainLine('Example.COM')).toEqual({ name: 'example.com', subdomains: false });
    expect(parseDomainLine('*.wild.example')).toEqual({ name: 'wild.example', subdomains: true });
    expect(parseDomainLine('# comment')).toBeNull();
    expect(parseDomainLine('two names.example')).toBe('skip');
  });

  it('rpz: owners relative to $ORIGIN, SOA and NS ignored, wildcards kept', () => {
    const state = newRpzState();
    const lines = [
      '$TTL 300',
      '$ORIGIN feed.rpz.',
      '@ IN SOA localhost. root.localhost. (',
      '   1 3600 600 86400 60 )',
      '  IN NS localhost.',
      'bad.example CNAME .',
      '*.bad.example CNAME .',
      'abs.example.feed.rpz. CNAME .',
      'other.example.elsewhere. CNAME .',
      '32.1.0.0.127.rpz-ip CNAME .',
    ];
    const out = lines.map((l) => parseRpzLine(l, state));
    expect(out).toEqual([
      null,
      null,
      null,
      null,
      null,
      { name: 'bad.example', subdomains: false },
      { name: 'bad.example', subdomains: true },
      { name: 'abs.example', subdomains: false },
      'skip',
      'skip',
    ]);
  });

  it('names: addresses, rpz- labels and overlong names are refused', () => {
    expect(feedName('1.2.3.4')).toBeNull();
    expect(feedName('a.rpz-nsdname')).toBeNull();
    expect(feedName(`${'a'.repeat(64)}.example`)).toBeNull();
    expect(feedName('ok-name.example.')).toBe('ok-name.example');
  });

  it('detects the format from the first lines', () => {
    expect(detectFormat(['# hosts', '0.0.0.0 a.example', '0.0.0.0 b.example'])).toBe('hosts');
    expect(detectFormat(['! Title', '||a.example^', '||b.example^'])).toBe('adblock');
    expect(detectFormat(['$ORIGIN x.', 'a CNAME .'])).toBe('rpz');
    expect(detectFormat(['a.example', 'b.example'])).toBe('domains');
    const parse = lineParser('hosts');
    expect(parse('0.0.0.0 a.example')).toEqual([{ name: 'a.example', subdomains: false }]);
  });
});
