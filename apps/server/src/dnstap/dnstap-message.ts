import { addressHash, formatAddress } from './address-text.js';

/**
 * A protobuf decoder for exactly the dnstap fields we use (dnstap.proto, proto2), written by
 * hand because it runs once per DNS message at hundreds of thousands per second: one pass over
 * the bytes, no intermediate objects, DNS messages returned as subarrays of the frame, and the
 * addresses formatted once. Unknown fields are skipped by wire type; anything malformed
 * (truncated varint, length past the end, wire types 3/4/6/7) gives null, never an exception.
 *
 * Dnstap:  identity 1, version 2, extra 3 (bytes), message 14 (Message), type 15 (1 = MESSAGE)
 * Message: type 1, socket_family 2, socket_protocol 3, query_address 4, response_address 5,
 *          query_port 6, response_port 7, query_time_sec 8 (uint64), query_time_nsec 9 (fixed32),
 *          query_message 10, query_zone 11, response_time_sec 12, response_time_nsec 13 (fixed32),
 *          response_message 14, policy 15 (not filled by BIND 9.18, skipped)
 */

export const MessageType = {
  AUTH_QUERY: 1,
  AUTH_RESPONSE: 2,
  RESOLVER_QUERY: 3,
  RESOLVER_RESPONSE: 4,
  CLIENT_QUERY: 5,
  CLIENT_RESPONSE: 6,
  FORWARDER_QUERY: 7,
  FORWARDER_RESPONSE: 8,
  STUB_QUERY: 9,
  STUB_RESPONSE: 10,
  TOOL_QUERY: 11,
  TOOL_RESPONSE: 12,
  UPDATE_QUERY: 13,
  UPDATE_RESPONSE: 14,
} as const;

export const SocketProtocol = {
  UDP: 1,
  TCP: 2,
  DOT: 3,
  DOH: 4,
  DNSCRYPT_UDP: 5,
  DNSCRYPT_TCP: 6,
  DOQ: 7,
} as const;

export interface DnstapMessage {
  /** The writer's dnstap-identity (at most 64 characters), null when not configured. */
  identity: string | null;
  /** Message.type (MessageType). */
  type: number;
  /** 1 INET, 2 INET6; 0 when absent. */
  socketFamily: number;
  /** SocketProtocol; 0 when absent. */
  socketProtocol: number;
  queryAddress: string | null;
  /** addressHash of the query address (0 when absent): the pairer's key is a number. */
  queryAddressHash: number;
  responseAddress: string | null;
  /** -1 when absent. */
  queryPort: number;
  responsePort: number;
  /** Epoch milliseconds; null when absent. */
  queryTimeMs: number | null;
  responseTimeMs: number | null;
  queryMessage: Buffer | null;
  responseMessage: Buffer | null;
}

const MAX_IDENTITY = 64;

/** Decoding position, shared by the helpers (single-threaded, never re-entered). */
let pos = 0;

/** A varint as a number (exact up to 2^53), or -1 when truncated or longer than 10 bytes. */
function varint(buf: Buffer, end: number): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return -1;
    const b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 128;
  }
  return -1;
}

/** Skips a field of `wireType`; false when malformed. */
function skip(buf: Buffer, end: number, wireType: number): boolean {
  switch (wireType) {
    case 0:
      return varint(buf, end) >= 0;
    case 1:
      pos += 8;
      return pos <= end;
    case 2: {
      const len = varint(buf, end);
      if (len < 0 || len > end - pos) return false;
      pos += len;
      return true;
    }
    case 5:
      pos += 4;
      return pos <= end;
    default:
      return false;
  }
}

let lastIdentityBytes: Buffer | null = null;
let lastIdentity: string | null = null;

function sameBytes(a: Buffer, buf: Buffer, start: number, len: number): boolean {
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== buf[start + i]) return false;
  return true;
}

/** The identity string, reusing the previous one when the bytes repeat (they always do). */
function identityOf(buf: Buffer, start: number, len: number): string {
  if (lastIdentityBytes !== null && lastIdentity !== null) {
    if (sameBytes(lastIdentityBytes, buf, start, len)) return lastIdentity;
  }
  const bytes = buf.subarray(start, start + len);
  // Control bytes out: a NUL would be refused by PostgreSQL's text and break a store batch.
  const text = Buffer.from(bytes.filter((b) => b >= 0x20 && b !== 0x7f))
    .toString('utf8')
    .slice(0, MAX_IDENTITY);
  lastIdentityBytes = Buffer.from(bytes);
  lastIdentity = text;
  return text;
}

/** Decodes Message fields into `out`; false when malformed. */
function decodeMessage(buf: Buffer, end: number, out: DnstapMessage): boolean {
  let qaStart = -1;
  let qaLen = 0;
  let raStart = -1;
  let raLen = 0;
  let qSec = -1;
  let qNsec = 0;
  let rSec = -1;
  let rNsec = 0;
  let sawType = false;
  while (pos < end) {
    const tag = varint(buf, end);
    if (tag < 0) return false;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0 && (field <= 3 || field === 6 || field === 7 || field === 8 || field === 12)) {
      const v = varint(buf, end);
      if (v < 0) return false;
      switch (field) {
        case 1:
          out.type = v;
          sawType = true;
          break;
        case 2:
          out.socketFamily = v;
          break;
        case 3:
          out.socketProtocol = v;
          break;
        case 6:
          out.queryPort = v;
          break;
        case 7:
          out.responsePort = v;
          break;
        case 8:
          qSec = v;
          break;
        case 12:
          rSec = v;
          break;
      }
      continue;
    }
    if (wire === 5 && (field === 9 || field === 13)) {
      if (end - pos < 4) return false;
      const v = buf.readUInt32LE(pos);
      pos += 4;
      if (field === 9) qNsec = v;
      else rNsec = v;
      continue;
    }
    if (wire === 2 && (field === 4 || field === 5 || field === 10 || field === 14)) {
      const len = varint(buf, end);
      if (len < 0 || len > end - pos) return false;
      const start = pos;
      pos += len;
      if (field === 4) {
        qaStart = start;
        qaLen = len;
      } else if (field === 5) {
        raStart = start;
        raLen = len;
      } else if (field === 10) {
        out.queryMessage = buf.subarray(start, start + len);
      } else {
        out.responseMessage = buf.subarray(start, start + len);
      }
      continue;
    }
    if (!skip(buf, end, wire)) return false;
  }
  if (!sawType) return false;
  if (qaStart >= 0) {
    out.queryAddress = formatAddress(buf, qaStart, qaLen);
    out.queryAddressHash = addressHash(buf, qaStart, qaLen);
  }
  if (raStart >= 0) out.responseAddress = formatAddress(buf, raStart, raLen);
  if (qSec >= 0) out.queryTimeMs = qSec * 1000 + Math.floor(qNsec / 1_000_000);
  if (rSec >= 0) out.responseTimeMs = rSec * 1000 + Math.floor(rNsec / 1_000_000);
  return true;
}

/** A message with every field absent: what decodeDnstap fills. */
export function emptyMessage(): DnstapMessage {
  return {
    identity: null,
    type: 0,
    socketFamily: 0,
    socketProtocol: 0,
    queryAddress: null,
    queryAddressHash: 0,
    responseAddress: null,
    queryPort: -1,
    responsePort: -1,
    queryTimeMs: null,
    responseTimeMs: null,
    queryMessage: null,
    responseMessage: null,
  };
}

function reset(m: DnstapMessage): void {
  m.identity = null;
  m.type = 0;
  m.socketFamily = 0;
  m.socketProtocol = 0;
  m.queryAddress = null;
  m.queryAddressHash = 0;
  m.responseAddress = null;
  m.queryPort = -1;
  m.responsePort = -1;
  m.queryTimeMs = null;
  m.responseTimeMs = null;
  m.queryMessage = null;
  m.responseMessage = null;
}

/**
 * One Dnstap protobuf (a Frame Streams data frame) → its Message; null when malformed. With
 * `into`, that object is reset and filled instead of a new one (the listener reuses one per
 * frame: the pairer copies what it keeps); its contents are unspecified after a null.
 */
export function decodeDnstap(buf: Buffer, into?: DnstapMessage): DnstapMessage | null {
  const out = into ?? emptyMessage();
  if (into !== undefined) reset(into);
  const end = buf.length;
  pos = 0;
  let dnstapType = -1;
  let sawMessage = false;
  while (pos < end) {
    const tag = varint(buf, end);
    if (tag < 0) return null;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 2 && (field === 1 || field === 14)) {
      const len = varint(buf, end);
      if (len < 0 || len > end - pos) return null;
      const start = pos;
      if (field === 1) {
        out.identity = identityOf(buf, start, len);
        pos += len;
      } else {
        if (!decodeMessage(buf, start + len, out)) return null;
        pos = start + len;
        sawMessage = true;
      }
      continue;
    }
    if (wire === 0 && field === 15) {
      dnstapType = varint(buf, end);
      if (dnstapType < 0) return null;
      continue;
    }
    if (!skip(buf, end, wire)) return null;
  }
  // Type 1 (MESSAGE) is the only payload dnstap defines; anything else carries nothing for us.
  if (!sawMessage || dnstapType !== 1) return null;
  return out;
}
