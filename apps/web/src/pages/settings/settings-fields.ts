/**
 * The fields of the DNS settings form, named by their path in DnsServerSettings as the server
 * names them in a refusal (`/listen/ipv4/0` → `listen/ipv4`, entry 1) and in `locked`
 * (`listen` → every listen field). One place maps both, so a server message always lands on the
 * control that holds the value.
 */

export const SETTINGS_FIELDS = [
  'listen/port',
  'listen/ipv4',
  'listen/ipv6',
  'allowQuery',
  'allowRecursion',
  'recursion',
  'dnssecValidation',
  'forwardPolicy',
  'rateLimit/enabled',
  'rateLimit/responsesPerSecond',
  'rateLimit/window',
  'rateLimit/slip',
  'rateLimit/logOnly',
  'rateLimit/exemptClients',
] as const;
export type SettingsField = (typeof SETTINGS_FIELDS)[number];

/** Messages by field; `form` holds what belongs to no single field (shown at the top). */
export type FieldErrors = Partial<Record<SettingsField | 'form', string>>;

/** Fields whose value is a list edited one entry per line: an index there is a line number. */
const LINE_FIELDS: ReadonlySet<SettingsField> = new Set([
  'allowQuery',
  'allowRecursion',
  'rateLimit/exemptClients',
]);

/** `/listen/ipv4/0`, `listen.ipv4.0` or `listen/ipv4` → its segments. */
export function pathSegments(path: string): string[] {
  return path
    .split(/[/.]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The form field a path points into (the longest field that is a prefix of it) and, when the
 * path goes one step further into a list, the list index.
 */
export function fieldOfPath(segments: readonly string[]): {
  field?: SettingsField;
  index?: number;
} {
  for (let n = segments.length; n > 0; n--) {
    const candidate = segments.slice(0, n).join('/');
    const field = SETTINGS_FIELDS.find((f) => f === candidate);
    if (!field) continue;
    const next = segments[n];
    const index = next !== undefined && /^\d+$/.test(next) ? Number(next) : undefined;
    return index === undefined ? { field } : { field, index };
  }
  return {};
}

/** A message for a field, naming the entry (or line) an index points at. */
export function fieldMessage(field: SettingsField, index: number | undefined, msg: string): string {
  if (index === undefined) return msg;
  return `${LINE_FIELDS.has(field) ? 'line' : 'entry'} ${index + 1}: ${msg}`;
}

/**
 * The environment variable that fixes `field`, if any. A locked path covers itself and every
 * field under it (`listen` locks the port and both address lists); a locked path below a field
 * (`listen/ipv4/0`) locks that whole field, since the form edits it as one value.
 */
export function lockedBy(
  locked: Readonly<Record<string, string>>,
  field: SettingsField,
): string | undefined {
  for (const [path, variable] of Object.entries(locked)) {
    const key = pathSegments(path).join('/');
    if (key === '') continue;
    if (field === key || field.startsWith(`${key}/`) || key.startsWith(`${field}/`)) {
      return variable;
    }
  }
  return undefined;
}
