/** The record form's string fields and their conversion to and from the API's record shape. */
import type { DnsRecord, RecordInput, RecordType } from '../../api/types';

export interface RecordDraft {
  name: string;
  type: RecordType;
  ttl: string;
  value: string;
  priority: string;
  weight: string;
  port: string;
  flags: string;
  tag: string;
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
    tag: r.tag ?? EMPTY_DRAFT.tag,
  };
}

export function inputOf(d: RecordDraft): RecordInput {
  const extra = EXTRA_FIELDS[d.type] ?? [];
  const input: RecordInput = { name: d.name.trim(), type: d.type, value: d.value.trim() };
  if (d.ttl.trim()) input.ttl = Number(d.ttl);
  if (extra.includes('priority')) input.priority = Number(d.priority);
  if (extra.includes('weight')) input.weight = Number(d.weight);
  if (extra.includes('port')) input.port = Number(d.port);
  if (extra.includes('flags')) input.flags = Number(d.flags);
  if (extra.includes('tag')) input.tag = d.tag;
  return input;
}

/** The fields that differ between two records, for the conflict view. */
export function presentation(r: RecordInput | DnsRecord): Record<string, string> {
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
