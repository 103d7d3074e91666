/** The record form's string fields and their conversion to and from the API's record shape. */
import {
  CAA_TAGS,
  type CaaTag,
  type DnsRecord,
  type RecordFields,
  type RecordInputBody,
  type RecordType,
} from '@hdns/protocol/rest';

export interface RecordDraft {
  name: string;
  type: RecordType;
  ttl: string;
  value: string;
  priority: string;
  weight: string;
  port: string;
  flags: string;
  tag: CaaTag;
}

export const EMPTY_DRAFT: RecordDraft = {
  name: '',
  type: 'A',
  ttl: '',
  value: '',
  priority: '10',
  weight: '0',
  port: '',
  flags: '0',
  tag: 'issue',
};

/** Which extra fields a type has. */
export const EXTRA_FIELDS: Partial<
  Record<RecordType, readonly ('priority' | 'weight' | 'port' | 'flags' | 'tag')[]>
> = {
  MX: ['priority'],
  SRV: ['priority', 'weight', 'port'],
  CAA: ['flags', 'tag'],
};

export const VALUE_HINT: Record<RecordType, string> = {
  A: '192.0.2.10',
  AAAA: '2001:db8::10',
  CNAME: 'target.example.com.',
  NS: 'ns1.example.com.',
  PTR: 'host.example.com.',
  MX: 'mail.example.com.',
  TXT: 'v=spf1 -all',
  SRV: 'sip.example.com.',
  CAA: 'letsencrypt.org',
};

export function draftOf(r: DnsRecord): RecordDraft {
  const s = (v: number | null, fallback: string) => (v === null ? fallback : String(v));
  return {
    name: r.name,
    type: r.type,
    ttl: s(r.ttl, ''),
    value: r.value,
    priority: s(r.priority, EMPTY_DRAFT.priority),
    weight: s(r.weight, EMPTY_DRAFT.weight),
    port: s(r.port, ''),
    flags: s(r.flags, EMPTY_DRAFT.flags),
    tag: caaTag(r.tag),
  };
}

/** A CAA tag from a stored record's text; the server only ever stores one of CAA_TAGS. */
export function caaTag(value: string | null): CaaTag {
  return CAA_TAGS.find((t) => t === value) ?? EMPTY_DRAFT.tag;
}

/** The request body for a draft: only the fields its type has (the server refuses others). */
export function inputOf(d: RecordDraft): RecordInputBody {
  const base = {
    name: d.name.trim(),
    value: d.value.trim(),
    ...(d.ttl.trim() ? { ttl: Number(d.ttl) } : {}),
  };
  switch (d.type) {
    case 'MX':
      return { ...base, type: d.type, priority: Number(d.priority) };
    case 'SRV':
      return {
        ...base,
        type: d.type,
        priority: Number(d.priority),
        weight: Number(d.weight),
        port: Number(d.port),
      };
    case 'CAA':
      return { ...base, type: d.type, flags: Number(d.flags), tag: d.tag };
    default:
      return { ...base, type: d.type };
  }
}

/** The fields that differ between two records, for the conflict view. */
export function presentation(r: RecordFields | DnsRecord): Record<string, string> {
  return {
    name: r.name,
    type: r.type,
    ttl: r.ttl === undefined || r.ttl === null ? 'zone default' : String(r.ttl),
    value: r.value,
    ...(r.priority != null ? { priority: String(r.priority) } : {}),
    ...(r.weight != null ? { weight: String(r.weight) } : {}),
    ...(r.port != null ? { port: String(r.port) } : {}),
    ...(r.flags != null && r.type === 'CAA' ? { flags: String(r.flags) } : {}),
    ...(r.tag != null && r.type === 'CAA' ? { tag: r.tag } : {}),
  };
}
