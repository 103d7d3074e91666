/**
 * The forwarder form's state (as typed) and the body it sends, checked with the protocol's
 * forwarderInputSchema so a bad address or port is marked on its field before the round trip.
 */
import { forwarderInputSchema, type Forwarder } from '@hdns/protocol/rest';

export interface ForwarderDraft {
  name: string;
  address: string;
  port: string;
  enabled: boolean;
}

export type ForwarderField = 'name' | 'address' | 'port';
export type ForwarderErrors = Partial<Record<ForwarderField | 'form', string>>;

export interface ForwarderBody {
  name: string;
  address: string;
  port: number;
  enabled: boolean;
}

export const emptyForwarder: ForwarderDraft = { name: '', address: '', port: '53', enabled: true };

export function forwarderDraftOf(f: Forwarder): ForwarderDraft {
  return { name: f.name, address: f.address, port: String(f.port), enabled: f.enabled };
}

const FIELDS: readonly ForwarderField[] = ['name', 'address', 'port'];

/** The server's issue path (`/address`) or a zod path → the form field it names. */
export function forwarderFieldOf(path: string): ForwarderField | undefined {
  const first = path.replace(/^\//, '').split(/[/.]/)[0];
  return FIELDS.find((f) => f === first);
}

export function forwarderBodyOf(
  d: ForwarderDraft,
): { ok: true; body: ForwarderBody } | { ok: false; errors: ForwarderErrors } {
  const port = d.port.trim();
  const errors: ForwarderErrors = {};
  if (!/^\d+$/.test(port)) errors.port = 'must be a whole number';
  const parsed = forwarderInputSchema.safeParse({
    name: d.name,
    address: d.address.trim(),
    port: Number(port),
    enabled: d.enabled,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = forwarderFieldOf(issue.path.map(String).join('/')) ?? 'form';
      errors[field] ??= field === 'address' ? 'must be an IPv4 or IPv6 address' : issue.message;
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, body: parsed.data };
}

/** Only the fields that changed, for the PATCH (which also carries the version read). */
export function forwarderPatchOf(before: Forwarder, body: ForwarderBody): Partial<ForwarderBody> {
  const patch: Partial<ForwarderBody> = {};
  if (body.name !== before.name) patch.name = body.name;
  if (body.address !== before.address) patch.address = body.address;
  if (body.port !== before.port) patch.port = body.port;
  if (body.enabled !== before.enabled) patch.enabled = body.enabled;
  return patch;
}
