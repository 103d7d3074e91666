import { isIP } from 'node:net';
import type { FeedFormat } from '@hdns/protocol/rest';

/**
 * One line of a blocklist, read as its format says. Tolerant by design: comments and blank lines
 * are nothing (`null`); a line the format allows but a policy zone cannot express (an adblock
 * regex, cosmetic or exception rule, a malformed name) is `'skip'`, counted and reported, never
 * fatal. Pure and per line, so a list of any size streams through it.
 */

export type ConcreteFeedFormat = Exclude<FeedFormat, 'auto'>;

export interface FeedEntry {
  /** Lower-case, no trailing dot. */
  name: string;
  /** The format means the names below too (adblock `||name^`, RPZ `*.name`). */
  subdomains: boolean;
}

export type FeedLine = FeedEntry | 'skip' | null;

/** What the RPZ reader carries from line to line (`$ORIGIN`, an open SOA parenthesis). */
export interface RpzReadState {
  origin: string | null;
  inParens: boolean;
}

export function newRpzState(): RpzReadState {
  return { origin: null, inParens: false };
}

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const NAME = new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`);
/** Names hosts files map to themselves, not blocks. */
const LOCAL_HOST_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'local',
  'broadcasthost',
  'ip6-localhost',
  'ip6-loopback',
  'ip6-localnet',
  'ip6-mcastprefix',
  'ip6-allnodes',
  'ip6-allrouters',
  'ip6-allhosts',
  '0.0.0.0',
]);

/**
 * A policed name, or null when it is not one a policy zone may hold: too long, not a host name,
 * all digits (an address), or with an `rpz-` label (rpz-ip, rpz-nsdname … are triggers of
 * another kind and would turn a listed name into an address rule).
 */
export function feedName(raw: string): string | null {
  const name = raw.trim().toLowerCase().replace(/\.$/, '');
  if (name.length === 0 || name.length > 253 || !NAME.test(name)) return null;
  if (/^[0-9.]+$/.test(name)) return null;
  if (name.split('.').some((l) => l.startsWith('rpz-'))) return null;
  return name;
}

function entry(raw: string, subdomains: boolean): FeedLine {
  const name = feedName(raw);
  return name === null ? 'skip' : { name, subdomains };
}

/** `#` to the end of the line is a comment (hosts, domain lists). */
function stripHash(line: string): string {
  const hash = line.indexOf('#');
  return (hash >= 0 ? line.slice(0, hash) : line).trim();
}

/** `0.0.0.0 a.example b.example`: every name after the address; one entry per line (the first). */
export function parseHostsLine(line: string): FeedLine[] {
  const text = stripHash(line);
  if (text === '') return [];
  const [address, ...names] = text.split(/\s+/);
  if (!address || isIP(address) === 0 || names.length === 0) return ['skip'];
  return names.filter((n) => !LOCAL_HOST_NAMES.has(n.toLowerCase())).map((n) => entry(n, false));
}

/** One name per line; `*.name` means the names below it. */
export function parseDomainLine(line: string): FeedLine {
  const text = stripHash(line);
  if (text === '') return null;
  if (/\s/.test(text)) return 'skip';
  if (text.startsWith('*.')) return entry(text.slice(2), true);
  return entry(text, false);
}

/**
 * Adblock-style DNS rules: `||name^` (the name and below), optionally with `$important`; a bare
 * name is that name. Comments (`!`, `#`, `[Adblock …]`) are nothing; exceptions (`@@`), regexes,
 * cosmetic rules and other modifiers cannot be a policy-zone trigger and are skipped.
 */
export function parseAdblockLine(line: string): FeedLine {
  const text = line.trim();
  if (text === '' || text.startsWith('!') || text.startsWith('[') || text.startsWith('# '))
    return null;
  if (text === '#') return null;
  const rule = /^\|\|([^^$|/*]+)\^(?:\$important)?\|?$/.exec(text);
  if (rule?.[1]) return entry(rule[1], true);
  if (/^[a-z0-9_.-]+$/i.test(text)) return entry(text, false);
  return 'skip';
}

/**
 * An RPZ zone file's QNAME triggers (the feed's own action replaces the file's). SOA, NS and
 * directives other than `$ORIGIN` are nothing; owners under rpz-ip/rpz-nsdname … are skipped.
 */
export function parseRpzLine(line: string, state: RpzReadState): FeedLine {
  let text = line;
  const semi = text.indexOf(';');
  if (semi >= 0) text = text.slice(0, semi);
  if (state.inParens) {
    if (text.includes(')')) state.inParens = false;
    return null;
  }
  if (text.trim() === '') return null;
  if (text.includes('(') && !text.includes(')')) state.inParens = true;
  const tokens = text.trim().split(/\s+/);
  const first = tokens[0] ?? '';
  if (first.startsWith('$')) {
    if (first.toUpperCase() === '$ORIGIN' && tokens[1]) {
      state.origin = tokens[1].toLowerCase().replace(/\.$/, '');
    }
    return null;
  }
  // A line starting with blanks continues the previous owner (SOA/NS records of the apex).
  if (/^\s/.test(line) || first === '@') return null;
  const types = tokens.slice(1).map((t) => t.toUpperCase());
  if (types.includes('SOA') || types.includes('NS')) return null;
  let owner = first.toLowerCase();
  if (owner.endsWith('.')) {
    owner = owner.slice(0, -1);
    const origin = state.origin;
    if (origin && owner.endsWith(`.${origin}`)) owner = owner.slice(0, -origin.length - 1);
    else if (origin) return 'skip';
  }
  if (owner.startsWith('*.')) return entry(owner.slice(2), true);
  return entry(owner, false);
}

const HOSTS_LINE = /^\s*(?:0\.0\.0\.0|127\.0\.0\.1|::1?|::)\s+\S/;

/**
 * Guesses the format from a list's first lines: an address then names → hosts, `||`/`!` → adblock,
 * `$ORIGIN`/`SOA`/`CNAME` → rpz, else a plain domain list.
 */
export function detectFormat(firstLines: readonly string[]): ConcreteFeedFormat {
  let hosts = 0;
  let adblock = 0;
  let rpz = 0;
  for (const line of firstLines) {
    const t = line.trim();
    if (HOSTS_LINE.test(t)) hosts++;
    else if (t.startsWith('||') || t.startsWith('! ') || t.startsWith('[Adblock')) adblock++;
    else if (/^\$ORIGIN\b|\sSOA\s|\sCNAME\s/i.test(t)) rpz++;
  }
  const best = Math.max(hosts, adblock, rpz);
  if (best === 0) return 'domains';
  if (best === hosts) return 'hosts';
  if (best === adblock) return 'adblock';
  return 'rpz';
}

/** A line reader for one format (the RPZ reader keeps its state across lines). */
export function lineParser(format: ConcreteFeedFormat): (line: string) => FeedLine[] {
  switch (format) {
    case 'hosts':
      return parseHostsLine;
    case 'domains':
      return (line) => one(parseDomainLine(line));
    case 'adblock':
      return (line) => one(parseAdblockLine(line));
    case 'rpz': {
      const state = newRpzState();
      return (line) => one(parseRpzLine(line, state));
    }
    default: {
      const unknown: never = format;
      throw new Error(`unknown feed format ${String(unknown)}`);
    }
  }
}

function one(result: FeedLine): FeedLine[] {
  return result === null ? [] : [result];
}
