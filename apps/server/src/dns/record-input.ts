/**
 * Record logic the server keeps: presentation and owner-name comparison. The record input
 * schema itself is a REST shape and lives in @hdns/protocol/rest.
 */
export { recordInputSchema, type RecordInput } from '@hdns/protocol/rest';

/** The zone-file presentation of a record's data, as events and the UI show it. */
export function presentValue(r: {
  type: string;
  value: string;
  priority?: number | null;
  weight?: number | null;
  port?: number | null;
  flags?: number | null;
  tag?: string | null;
}): string {
  switch (r.type) {
    case 'MX':
      return `${r.priority ?? 0} ${r.value}`;
    case 'SRV':
      return `${r.priority ?? 0} ${r.weight ?? 0} ${r.port ?? 0} ${r.value}`;
    case 'CAA':
      return `${r.flags ?? 0} ${r.tag ?? 'issue'} "${r.value}"`;
    case 'TXT':
      return `"${r.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    default:
      return r.value;
  }
}

/** Canonical owner name within a zone, for comparing names (`www`, `www.example.com.` → same). */
export function canonicalOwner(name: string, zone: string): string {
  const z = zone.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase();
  if (n === '@') return z;
  if (n.endsWith('.')) return n.slice(0, -1);
  return `${n}.${z}`;
}
