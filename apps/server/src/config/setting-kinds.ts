import path from 'node:path';
import { z } from 'zod';
import { isAddressOrCidr } from '../http/address-list.js';
import { parseTrustedProxies } from '../http/trusted-proxies.js';
import { aclEntrySchema } from '@hdns/protocol/rest';

/**
 * The kinds of value a setting can hold. Each kind states its limits once: the same numbers
 * build the zod schema, the "must be …" of the error message and the README's "accepts" column,
 * so the three cannot disagree.
 */

/** What reading a value needs besides the value (relative paths resolve against `cwd`). */
export interface SettingContext {
  cwd: string;
}

export interface Kind<T> {
  /** Validates and coerces one raw value: a string from the environment, any JSON from a file. */
  readonly schema: z.ZodType<T>;
  /** A noun phrase for "HDNS_X must be <accepts>" and the README. */
  readonly accepts: string;
  /** How a default of this kind is written in the README; '' reads as "none". */
  readonly show: (value: T) => string;
  /** Applied after validation, to defaults too (paths become absolute). */
  readonly resolve?: (value: T, ctx: SettingContext) => T;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function toInt(value: unknown): unknown {
  return typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
}

/** Seconds as an integer, or a string such as "900", "15m", "12h", "7d". */
function toSeconds(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(value);
  if (!match) return value;
  return Number(match[1]) * (DURATION_UNITS[match[2] || 's'] ?? 1);
}

export function toBool(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
}

/** The largest unit that divides evenly: 900 → "15m", 86400 → "1d", 25 → "25s". */
export function formatDuration(seconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = DURATION_UNITS[unit] ?? 1;
    if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** Comma-separated, trimmed, empty items dropped (a trailing comma is fine). */
function splitList(value: unknown, clean: (item: string) => string = (s) => s): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(',')
    .map((s) => clean(s.trim()))
    .filter((s) => s.length > 0);
}

function safeProtocol(value: string): string {
  try {
    return new URL(value).protocol;
  } catch {
    return '';
  }
}

function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

const showList = (list: readonly string[]) => list.join(', ');

/** An integer within limits, optionally of a unit ("bytes", "milliseconds"). */
export function int(min: number, max: number, unit?: string): Kind<number> {
  return {
    schema: z.preprocess(toInt, z.number().int().min(min).max(max)),
    accepts: `an integer${unit ? ` number of ${unit}` : ''} between ${min} and ${max}`,
    show: String,
  };
}

/** A duration in whole seconds, written as seconds or with s/m/h/d. */
export function seconds(min: number, max: number): Kind<number> {
  return {
    schema: z.preprocess(toSeconds, z.number().int().min(min).max(max)),
    accepts:
      `a duration between ${formatDuration(min)} and ${formatDuration(max)} ` +
      '(seconds, or with s/m/h/d)',
    show: formatDuration,
  };
}

export function bool(): Kind<boolean> {
  return { schema: z.preprocess(toBool, z.boolean()), accepts: 'true or false', show: String };
}

/** `auto` (decided from another setting) or a boolean. */
export function autoOrBool(): Kind<'auto' | boolean> {
  return {
    schema: z.union([z.literal('auto'), z.preprocess(toBool, z.boolean())]),
    accepts: 'auto, true or false',
    show: String,
  };
}

export function oneOf<const V extends readonly [string, ...string[]]>(values: V): Kind<V[number]> {
  return { schema: z.enum(values), accepts: `one of ${values.join(', ')}`, show: String };
}

/** A non-empty trimmed string; `what` says what it names ("host name or IP address"). */
export function text(what: string): Kind<string> {
  return { schema: z.string().trim().min(1), accepts: `a non-empty ${what}`, show: String };
}

/** A DNS zone name (lower case, no trailing dot) or `off`. */
export function zoneNameOrOff(): Kind<string> {
  const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
  const name = new RegExp(`^(?:${label}\\.)*${label}$`);
  return {
    schema: z
      .string()
      .trim()
      .toLowerCase()
      .transform((v) => v.replace(/\.$/, ''))
      .pipe(z.string().max(253).regex(name)),
    accepts: 'a zone name such as catalog.example, or off',
    show: String,
  };
}

/** A file or directory; relative ones resolve against the working directory. */
export function filePath(what = 'path'): Kind<string> {
  return { ...text(what), resolve: (value, ctx) => path.resolve(ctx.cwd, value) };
}

/** A secret of bounded length (error messages never echo it; see `secret` on the row). */
export function chars(min: number, max: number): Kind<string> {
  return {
    schema: z.string().min(min).max(max),
    accepts: `between ${min} and ${max} characters long`,
    show: () => '',
  };
}

/** An http(s) URL, kept without trailing slashes. */
export function httpUrl(example: string): Kind<string> {
  return {
    schema: z
      .string()
      .trim()
      .refine((v) => /^https?:$/.test(safeProtocol(v)))
      .transform((v) => v.replace(/\/+$/, '')),
    accepts: `an http(s) URL such as ${example}`,
    show: String,
  };
}

/** A redis:// or rediss:// URL (it may carry a password: rows using it are secret). */
export function redisUrl(): Kind<string> {
  return {
    schema: z
      .string()
      .trim()
      .refine((v) => /^rediss?:$/.test(safeProtocol(v))),
    accepts: 'a redis:// or rediss:// URL such as redis://127.0.0.1:6379',
    show: () => '',
  };
}

/** A postgres:// or postgresql:// URL (it may carry a password: rows using it are secret). */
export function postgresUrl(): Kind<string> {
  return {
    schema: z
      .string()
      .trim()
      .refine((v) => /^postgres(ql)?:$/.test(safeProtocol(v))),
    accepts: 'a postgres:// URL such as postgres://hdns:secret@127.0.0.1:5432/hdns',
    show: () => '',
  };
}

/** Browser origins, without trailing slashes. */
export function origins(): Kind<string[]> {
  return {
    schema: z.preprocess(
      (v) => splitList(v, (s) => s.replace(/\/+$/, '')),
      z.array(z.string().refine(isOrigin)),
    ),
    accepts: 'a comma-separated list of origins like https://dns.example.com',
    show: showList,
  };
}

/** Client addresses and CIDRs. */
export function addresses(): Kind<string[]> {
  return {
    schema: z.preprocess((v) => splitList(v), z.array(z.string().refine(isAddressOrCidr))),
    accepts: 'a comma-separated list of addresses or CIDRs like 10.0.0.0/8',
    show: showList,
  };
}

/** Reverse-proxy addresses, CIDRs and named groups, expanded to addresses and CIDRs. */
export function proxies(): Kind<string[]> {
  return {
    schema: z
      .string()
      .transform((v) => parseTrustedProxies(v))
      .refine((parsed) => parsed.ok)
      .transform((parsed) => (parsed.ok ? parsed.entries : [])),
    accepts: 'a comma-separated list of addresses or CIDRs (or loopback, linklocal, uniquelocal)',
    show: showList,
  };
}

/** A BIND address match list: keywords, addresses, CIDRs, each optionally `!`negated. */
export function aclList(): Kind<string[]> {
  return {
    schema: z.preprocess((v) => splitList(v), z.array(aclEntrySchema).min(1)),
    accepts:
      'a comma-separated list of any, none, localhost, localnets, addresses or CIDRs (! negates)',
    show: showList,
  };
}

/** Addresses to listen on: `any`, or IPv4/IPv6 addresses. */
export function listenList(): Kind<string[]> {
  return {
    schema: z.preprocess(
      (v) => splitList(v),
      z.array(z.union([z.literal('any'), z.ipv4(), z.ipv6()])).min(1),
    ),
    accepts: 'any, or a comma-separated list of IPv4/IPv6 addresses of this host',
    show: showList,
  };
}
