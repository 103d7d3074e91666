/**
 * The primaries and TSIG key of a secondary zone as the create and edit forms hold them (one
 * text field, one select), turned into the REST body's `primaries` and `tsigKeyId`. Checked
 * here before the round trip so a typo reads as a form error naming the bad entry; the server
 * checks again (and knows which keys exist).
 */
import type { TsigKey, Zone } from '@hdns/protocol/rest';

/** Most primaries a zone may list (zone-schemas.ts: primariesSchema). */
export const MAX_PRIMARIES = 16;

export interface SecondaryDraft {
  /** Addresses separated by commas, spaces or new lines; each `ip` or `ip#port`. */
  primaries: string;
  /** '' = no key. */
  tsigKeyId: string;
}

export type SecondaryFields =
  | { ok: true; value: { primaries: string[]; tsigKeyId: string | null } }
  | { ok: false; error: string };

export const draftOfZone = (zone?: Pick<Zone, 'primaries' | 'tsigKeyId'>): SecondaryDraft => ({
  primaries: zone?.primaries.join(', ') ?? '',
  tsigKeyId: zone?.tsigKeyId ?? '',
});

export function splitPrimaries(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

const isIpv4 = (s: string): boolean => {
  const parts = s.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255 && (p === '0' || !p.startsWith('0')))
  );
};

/** IPv6 in its text forms: eight groups, or fewer around one `::`; an IPv4 tail counts as two. */
const isIpv6 = (s: string): boolean => {
  const lastColon = s.lastIndexOf(':');
  if (lastColon === -1) return false;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.') && !isIpv4(tail)) return false;
  const text = tail.includes('.') ? `${s.slice(0, lastColon + 1)}0:0` : s;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
};

/** Why one primary is not `ip` or `ip#port`, or undefined when it is. */
export function primaryError(entry: string): string | undefined {
  const hash = entry.indexOf('#');
  const address = hash === -1 ? entry : entry.slice(0, hash);
  const port = hash === -1 ? undefined : entry.slice(hash + 1);
  if (!isIpv4(address) && !isIpv6(address))
    return `${entry} is not an IP address (write 192.0.2.1 or 192.0.2.1#5300)`;
  if (port !== undefined && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535))
    return `${entry}: the port after # must be 1 to 65535`;
  return undefined;
}

export function secondaryFields(draft: SecondaryDraft): SecondaryFields {
  const primaries = splitPrimaries(draft.primaries);
  if (primaries.length === 0)
    return { ok: false, error: 'Primaries: a secondary zone needs at least one primary' };
  if (primaries.length > MAX_PRIMARIES)
    return { ok: false, error: `Primaries: at most ${MAX_PRIMARIES}` };
  for (const p of primaries) {
    const error = primaryError(p);
    if (error) return { ok: false, error: `Primaries: ${error}` };
  }
  return { ok: true, value: { primaries, tsigKeyId: draft.tsigKeyId || null } };
}

/**
 * How the page names a zone's key. Viewers may not list keys (GET /api/tsig-keys is 403 for
 * them), so an unknown id still reads as a key rather than as none.
 */
export function keyLabel(tsigKeyId: string | null, keys: readonly TsigKey[]): string {
  if (tsigKeyId === null) return 'none (transfers by address only)';
  const key = keys.find((k) => k.id === tsigKeyId);
  return key ? `${key.name} (${key.algorithm})` : `key ${tsigKeyId}`;
}

/** The version a 409 STALE_VERSION names as current (its `details.currentVersion`). */
export function currentVersionOf(details: unknown): number | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const v = (details as { currentVersion?: unknown }).currentVersion;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}
