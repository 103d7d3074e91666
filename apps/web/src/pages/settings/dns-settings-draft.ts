/**
 * The DNS settings form's state, kept as the user typed it (numbers as strings, ACLs as one
 * entry per line), and the way back to the protocol's DnsNetworkSettings (the DNSSEC policies of
 * the same settings have their own panel and are left out of this form's saves). Validation runs the
 * protocol's own schemas (aclEntrySchema per line, then dnsNetworkSettingsSchema), so the form
 * refuses exactly what the server would, before the round trip. Errors are keyed by field path
 * in the server's form (`listen/ipv4`, `rateLimit/slip`), the same keys server refusals map to.
 */
import {
  aclEntrySchema,
  dnsNetworkSettingsSchema,
  type DnsNetworkSettings,
} from '@hdns/protocol/rest';
import { fieldMessage, fieldOfPath, type FieldErrors, type SettingsField } from './settings-fields';

export interface DnsSettingsDraft {
  port: string;
  ipv4: readonly string[];
  ipv6: readonly string[];
  allowQuery: string;
  allowRecursion: string;
  recursion: boolean;
  dnssecValidation: DnsNetworkSettings['dnssecValidation'];
  forwardPolicy: DnsNetworkSettings['forwardPolicy'];
  rateLimit: {
    enabled: boolean;
    responsesPerSecond: string;
    window: string;
    slip: string;
    logOnly: boolean;
    exemptClients: string;
  };
}

const lines = (list: readonly string[]): string => list.join('\n');

/** Entries of a one-per-line textarea: trimmed, blank lines dropped (commas split too). */
export function aclLines(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function draftOf(s: DnsNetworkSettings): DnsSettingsDraft {
  return {
    port: String(s.listen.port),
    ipv4: [...s.listen.ipv4],
    ipv6: [...s.listen.ipv6],
    allowQuery: lines(s.allowQuery),
    allowRecursion: lines(s.allowRecursion),
    recursion: s.recursion,
    dnssecValidation: s.dnssecValidation,
    forwardPolicy: s.forwardPolicy,
    rateLimit: {
      enabled: s.rateLimit.enabled,
      responsesPerSecond: String(s.rateLimit.responsesPerSecond),
      window: String(s.rateLimit.window),
      slip: String(s.rateLimit.slip),
      logOnly: s.rateLimit.logOnly,
      exemptClients: lines(s.rateLimit.exemptClients),
    },
  };
}

/** True when the draft would save something other than `s` (whitespace and blank lines aside). */
export function isDirty(draft: DnsSettingsDraft, s: DnsNetworkSettings): boolean {
  const parsed = settingsOfDraft(draft);
  if (!parsed.ok) return true;
  return JSON.stringify(parsed.settings) !== JSON.stringify(dnsNetworkSettingsSchema.parse(s));
}

/**
 * "Serve the LAN": every IPv4 and IPv6 address on port 53, queries and recursion from the
 * networks this host is on, recursion on. Fields the environment locks are left as they are.
 */
export function lanPreset(
  draft: DnsSettingsDraft,
  isLocked: (field: SettingsField) => boolean,
): DnsSettingsDraft {
  const pick = <T>(field: SettingsField, value: T, current: T): T =>
    isLocked(field) ? current : value;
  return {
    ...draft,
    port: pick('listen/port', '53', draft.port),
    ipv4: pick('listen/ipv4', ['any'], draft.ipv4),
    ipv6: pick('listen/ipv6', ['any'], draft.ipv6),
    allowQuery: pick('allowQuery', 'localnets', draft.allowQuery),
    allowRecursion: pick('allowRecursion', 'localnets', draft.allowRecursion),
    recursion: pick('recursion', true, draft.recursion),
  };
}

/** Errors of one ACL textarea, by line, with the protocol's message. */
export function aclErrors(text: string): string | undefined {
  const bad: string[] = [];
  aclLines(text).forEach((entry, i) => {
    const r = aclEntrySchema.safeParse(entry);
    if (!r.success)
      bad.push(`line ${i + 1} (${entry}): ${r.error.issues[0]?.message ?? 'invalid'}`);
  });
  return bad.length > 0 ? bad.join('; ') : undefined;
}

const WHOLE = /^\d+$/;

export type DraftResult =
  { ok: true; settings: DnsNetworkSettings } | { ok: false; errors: FieldErrors };

/**
 * The settings the draft stands for, or the errors per field. Numbers must be whole; ACL lines
 * are checked one by one (so the message names the line); the rest is the protocol schema.
 */
export function settingsOfDraft(d: DnsSettingsDraft): DraftResult {
  const errors: FieldErrors = {};
  const num = (field: SettingsField, text: string): number => {
    if (WHOLE.test(text.trim())) return Number(text.trim());
    errors[field] = 'must be a whole number';
    return Number.NaN;
  };
  const acl = (field: SettingsField, text: string): string[] => {
    const e = aclErrors(text);
    if (e) errors[field] = e;
    return aclLines(text);
  };
  const candidate = {
    listen: { port: num('listen/port', d.port), ipv4: [...d.ipv4], ipv6: [...d.ipv6] },
    allowQuery: acl('allowQuery', d.allowQuery),
    allowRecursion: acl('allowRecursion', d.allowRecursion),
    recursion: d.recursion,
    dnssecValidation: d.dnssecValidation,
    forwardPolicy: d.forwardPolicy,
    rateLimit: {
      enabled: d.rateLimit.enabled,
      responsesPerSecond: num('rateLimit/responsesPerSecond', d.rateLimit.responsesPerSecond),
      window: num('rateLimit/window', d.rateLimit.window),
      slip: num('rateLimit/slip', d.rateLimit.slip),
      logOnly: d.rateLimit.logOnly,
      exemptClients: acl('rateLimit/exemptClients', d.rateLimit.exemptClients),
    },
  };
  const parsed = dnsNetworkSettingsSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { field, index } = fieldOfPath(issue.path.map(String));
      const key = field ?? 'form';
      if (errors[key]) continue; // the per-line or number message says it better
      errors[key] = field ? fieldMessage(field, index, issue.message) : issue.message;
    }
    return { ok: false, errors };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: parsed.data };
}
