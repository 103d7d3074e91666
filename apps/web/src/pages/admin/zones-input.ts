/** Zone grants as typed in a form: empty means all zones (null), else a comma/space list. */
export function parseZones(text: string): string[] | null {
  const zones = text
    .split(/[\s,]+/)
    .map((z) => z.trim().toLowerCase())
    .filter(Boolean);
  return zones.length ? zones : null;
}

export function zonesText(zones: readonly string[] | null): string {
  return zones ? zones.join(', ') : '';
}
