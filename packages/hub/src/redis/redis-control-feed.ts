import { closeFor, type KeptCredential } from '../revocation-marks.js';
import { isClusterUnavailable, type ClusterMember } from '../session-cluster.js';
import type { BlockingConnection } from './redis-bus.js';
import { withTimeout } from './redis-call-timeout.js';
import { asArray, asString } from './redis-replies.js';

export interface ControlFeedOptions {
  conn: BlockingConnection;
  /** The control stream's key. */
  stream: string;
  /** How long one blocking read waits. */
  blockMs: number;
  /** How much longer than that a read may take before it is reported as stalled. */
  callTimeoutMs: number;
  /** True once the feed must end (its connection is then destroyed, ending a pending read). */
  stopped(): boolean;
  /** Does what one entry asks; a throw is reported and the feed goes on. */
  apply(fields: Map<string, string>): void;
  onError?: (err: unknown) => void;
}

const MAX_RETRY_MS = 2_000;

/**
 * Follows the session cluster's control stream from its end at start, entry by entry, across
 * reconnects (the last id read is kept here, so nothing is missed or applied twice). A read
 * that outlives its timeout is reported, then still awaited rather than abandoned: another read
 * sent meanwhile would only queue behind it in node-redis's offline queue, and each queued
 * blocking read would hold the connection for `blockMs` once Redis is back.
 */
export async function followControl(o: ControlFeedOptions): Promise<void> {
  let last: string | undefined;
  let wait = 50;
  const send = async (args: string[], what: string): Promise<unknown> => {
    const raw = o.conn.sendCommand(args);
    try {
      return await withTimeout(raw, o.blockMs + o.callTimeoutMs, what);
    } catch (err) {
      if (!isClusterUnavailable(err) || !err.timedOut) throw err;
      o.onError?.(err);
      return raw;
    }
  };
  while (!o.stopped()) {
    try {
      if (last === undefined) {
        const tail = asArray(
          await send(['XREVRANGE', o.stream, '+', '-', 'COUNT', '1'], 'control tail'),
          'control tail',
        );
        last = tail.length ? asString(asArray(tail[0], 'entry')[0], 'id') : '0-0';
      }
      const reply = await send(
        ['XREAD', 'COUNT', '100', 'BLOCK', String(o.blockMs), 'STREAMS', o.stream, last],
        'control read',
      );
      wait = 50;
      if (reply === null) continue;
      const [stream] = asArray(reply, 'xread');
      for (const raw of asArray(asArray(stream, 'stream')[1], 'entries')) {
        const [id, fields] = asArray(raw, 'entry');
        last = asString(id, 'id');
        const entry = fieldMap(asArray(fields, 'fields'));
        try {
          o.apply(entry);
        } catch (err) {
          o.onError?.(err);
        }
      }
    } catch (err) {
      if (o.stopped()) return;
      o.onError?.(err);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, MAX_RETRY_MS);
    }
  }
}

/**
 * What one control entry asks of instance `nodeId`: `close` one of its sessions, or `revoke`
 * a user or `revoke-credential` one credential on another instance. A revocation that was late
 * (see SESSION_REVOKE) carries `before` and closes only the sessions connected before it was
 * made.
 */
export function applyControlEntry(
  member: ClusterMember,
  nodeId: string,
  f: Map<string, string>,
): void {
  const code = Number(f.get('code'));
  const reason = f.get('reason') ?? '';
  if (f.get('op') === 'close' && f.get('node') === nodeId) {
    member.closeSession(f.get('session') ?? '', code, reason);
  } else if (f.get('op') === 'revoke-credential' && f.get('origin') !== nodeId) {
    const before = f.get('before');
    const credential = f.get('credential') ?? '';
    if (before === undefined) member.closeCredential(credential, code, reason);
    else member.closeCredential(credential, code, reason, Number(before));
  } else if (f.get('op') === 'revoke' && f.get('origin') !== nodeId) {
    const user = f.get('user') ?? '';
    const before = f.get('before');
    const keep = keptCredentialOf(f);
    if (before === undefined) {
      if (keep === undefined) member.revokeUser(user, code, reason);
      else member.revokeUser(user, code, reason, keep);
      return;
    }
    const older = [...member.sessions()].filter(
      (s) => s.userId === user && s.connectedAt < Number(before),
    );
    const revocation = { code, reason, ...(keep !== undefined ? { keep } : {}) };
    for (const s of older) {
      const close = closeFor(revocation, s.credentialId);
      member.closeSession(s.id, close.code, close.reason);
    }
  }
}

/** A `revoke` entry's kept credential (fields `keep`, `keepCode`, `keepReason`), if any. */
function keptCredentialOf(f: Map<string, string>): KeptCredential | undefined {
  const credentialId = f.get('keep');
  if (credentialId === undefined || credentialId === '') return undefined;
  return { credentialId, code: Number(f.get('keepCode')), reason: f.get('keepReason') ?? '' };
}

export function fieldMap(flat: unknown[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    out.set(asString(flat[i], 'field'), asString(flat[i + 1], 'value'));
  }
  return out;
}
