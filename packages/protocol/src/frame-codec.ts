/**
 * Decoding and encoding of frames. The parse functions are the only door from the wire into
 * typed code: they accept whatever a socket library hands over (string, Buffer/Uint8Array,
 * ArrayBuffer or an already-parsed value), never throw, and never let input reach the prototype
 * chain (JSON.parse makes `__proto__` an own key; zod objects copy only declared keys).
 * Browser-safe: no Node Buffer API.
 */
import type { z } from 'zod';
import { EVENT_CATALOGUE, summarizeIssues, type EventType } from './catalogue.js';
import { CLIENT_FRAMES, MAX_ID_LENGTH, type ClientFrame } from './frames-client.js';
import {
  MAX_BATCH_EVENTS,
  SERVER_FRAMES,
  type BatchFrame,
  type EventFrame,
  type ServerFrame,
} from './frames-server.js';
import { PROTOCOL_VERSION } from './version.js';

export type FrameErrorCode =
  | 'BAD_JSON'
  | 'BAD_FRAME'
  | 'UNKNOWN_FRAME_TYPE'
  | 'UNSUPPORTED_PROTOCOL'
  | 'FRAME_TOO_LARGE'
  /** Server frames only: an event type this code's catalogue does not know. */
  | 'UNKNOWN_EVENT_TYPE';

export interface ParseFailure {
  ok: false;
  code: FrameErrorCode;
  message: string;
  /** The frame's `id` when one could be recovered, so the error reply can echo it. */
  id?: string;
}

/** An event of a batch that failed validation and was left out. */
export interface DroppedEvent {
  index: number;
  code: FrameErrorCode;
  message: string;
}

export type ParseResult<F> =
  | {
      ok: true;
      frame: F;
      /** Batch events left out (server frames only). */ dropped?: DroppedEvent[];
    }
  | ParseFailure;

export interface ParseOptions {
  /** Byte limit of text or binary input (UTF-8). Ignored for already-parsed values. */
  maxBytes?: number;
}

export interface ServerParseOptions extends ParseOptions {
  /** Check `data` against the catalogue schema (default true). */
  validateEventData?: boolean;
}

type Decoded = { ok: true; value: unknown } | ParseFailure;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(code: FrameErrorCode, message: string, id?: string): ParseFailure {
  return id === undefined ? { ok: false, code, message } : { ok: false, code, message, id };
}

/** UTF-8 length of `s`, stopping early once it exceeds `limit`. */
export function utf8ByteLength(s: string, limit = Infinity): number {
  let bytes = 0;
  for (let i = 0; i < s.length && bytes <= limit; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      bytes += 4; // surrogate pair
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function tooLarge(max: number): ParseFailure {
  return fail('FRAME_TOO_LARGE', `Frame exceeds ${max} bytes`);
}

function decodeText(text: string, maxBytes: number | undefined): Decoded {
  if (maxBytes !== undefined && text.length * 3 > maxBytes) {
    if (text.length > maxBytes || utf8ByteLength(text, maxBytes) > maxBytes)
      return tooLarge(maxBytes);
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return fail('BAD_JSON', 'Frame is not valid JSON');
  }
}

function decodeBytes(bytes: Uint8Array, maxBytes: number | undefined): Decoded {
  if (maxBytes !== undefined && bytes.byteLength > maxBytes) return tooLarge(maxBytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail('BAD_JSON', 'Frame is not valid UTF-8');
  }
  return decodeText(text, undefined);
}

function decode(raw: unknown, maxBytes: number | undefined): Decoded {
  if (typeof raw === 'string') return decodeText(raw, maxBytes);
  if (raw instanceof Uint8Array) return decodeBytes(raw, maxBytes);
  if (raw instanceof ArrayBuffer) return decodeBytes(new Uint8Array(raw), maxBytes);
  if (ArrayBuffer.isView(raw)) {
    return decodeBytes(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), maxBytes);
  }
  return { ok: true, value: raw };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recoverId(obj: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(obj, 'id')) return undefined;
  const id = obj.id;
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH ? id : undefined;
}

/**
 * Decodes `raw` into a plain object whose `type` is a key of `known`; the schema check is left to
 * the caller. Shared by the v1 and legacy parsers. Never throws on string, byte or JSON input.
 */
export function decodeEnvelope<K extends string>(
  raw: unknown,
  known: Readonly<Record<K, z.ZodType>>,
  maxBytes: number | undefined,
): { ok: true; obj: Record<string, unknown>; type: K; id: string | undefined } | ParseFailure {
  const decoded = decode(raw, maxBytes);
  if (!decoded.ok) return decoded;
  const obj = decoded.value;
  if (!isPlainObject(obj)) return fail('BAD_FRAME', 'Frame must be a JSON object');
  const id = recoverId(obj);
  const type = Object.hasOwn(obj, 'type') ? obj.type : undefined;
  if (typeof type !== 'string') return fail('BAD_FRAME', 'Frame has no string "type"', id);
  if (!Object.hasOwn(known, type)) {
    return fail('UNKNOWN_FRAME_TYPE', `Unknown frame type "${type.slice(0, 64)}"`, id);
  }
  return { ok: true, obj, type: type as K, id };
}

/**
 * Parses one client frame. Unknown extra keys are dropped. A `hello` with a numeric protocol
 * other than PROTOCOL_VERSION gives UNSUPPORTED_PROTOCOL (the server then closes with
 * UNSUPPORTED_PROTOCOL), so clients can tell "too new" from "malformed".
 */
export function parseClientFrame(
  raw: unknown,
  options: ParseOptions = {},
): ParseResult<ClientFrame> {
  try {
    const env = decodeEnvelope(raw, CLIENT_FRAMES, options.maxBytes);
    if (!env.ok) return env;
    if (env.type === 'hello') {
      const protocol = Object.hasOwn(env.obj, 'protocol') ? env.obj.protocol : undefined;
      if (typeof protocol === 'number' && protocol !== PROTOCOL_VERSION) {
        return fail(
          'UNSUPPORTED_PROTOCOL',
          `Protocol ${String(protocol)} is not supported; this server speaks ${PROTOCOL_VERSION}`,
          env.id,
        );
      }
    }
    const result = CLIENT_FRAMES[env.type].safeParse(env.obj);
    if (!result.success) return fail('BAD_FRAME', summarizeIssues(result.error.issues), env.id);
    return { ok: true, frame: result.data };
  } catch {
    // Only reachable with exotic already-parsed input (throwing getters, proxies).
    return fail('BAD_FRAME', 'Frame could not be read');
  }
}

type EventCheck =
  { ok: true; frame: EventFrame } | { ok: false; code: FrameErrorCode; message: string };

function checkEventData(frame: EventFrame): EventCheck {
  const type: EventType = frame.event;
  const spec = EVENT_CATALOGUE[type];
  if (spec.category !== frame.category) {
    return {
      ok: false,
      code: 'BAD_FRAME',
      message: `${type} belongs to category ${spec.category}`,
    };
  }
  const data = spec.schema.safeParse(frame.data);
  if (!data.success) {
    return { ok: false, code: 'BAD_FRAME', message: `data: ${summarizeIssues(data.error.issues)}` };
  }
  return { ok: true, frame: { ...frame, data: data.data } };
}

function eventTypeProblem(value: unknown): EventCheck | undefined {
  if (
    isPlainObject(value) &&
    typeof value.event === 'string' &&
    !Object.hasOwn(EVENT_CATALOGUE, value.event)
  ) {
    return {
      ok: false,
      code: 'UNKNOWN_EVENT_TYPE',
      message: `Unknown event type "${value.event.slice(0, 64)}"`,
    };
  }
  return undefined;
}

function parseEvent(value: unknown, validateData: boolean): EventCheck {
  const unknownType = eventTypeProblem(value);
  if (unknownType) return unknownType;
  const result = SERVER_FRAMES.event.safeParse(value);
  if (!result.success) {
    return { ok: false, code: 'BAD_FRAME', message: summarizeIssues(result.error.issues) };
  }
  const frame = result.data as EventFrame;
  return validateData ? checkEventData(frame) : { ok: true, frame };
}

/**
 * Parses one server frame (for client SDKs). Event payloads are checked against the catalogue.
 * A batch keeps its valid events and reports the others in `dropped`, so one event of a type
 * this client does not know yet (a newer server) does not cost the whole batch.
 */
export function parseServerFrame(
  raw: unknown,
  options: ServerParseOptions = {},
): ParseResult<ServerFrame> {
  const validateData = options.validateEventData ?? true;
  try {
    const env = decodeEnvelope(raw, SERVER_FRAMES, options.maxBytes);
    if (!env.ok) return env;
    if (env.type === 'event') {
      const r = parseEvent(env.obj, validateData);
      return r.ok ? { ok: true, frame: r.frame } : fail(r.code, r.message, env.id);
    }
    if (env.type === 'batch') return parseBatch(env.obj, validateData);
    const result = SERVER_FRAMES[env.type].safeParse(env.obj);
    if (!result.success) return fail('BAD_FRAME', summarizeIssues(result.error.issues), env.id);
    return { ok: true, frame: result.data as ServerFrame };
  } catch {
    return fail('BAD_FRAME', 'Frame could not be read');
  }
}

function parseBatch(obj: Record<string, unknown>, validateData: boolean): ParseResult<ServerFrame> {
  const through = Object.hasOwn(obj, 'through') ? obj.through : undefined;
  if (typeof through !== 'number' || !Number.isSafeInteger(through) || through < 0) {
    return fail('BAD_FRAME', 'batch needs a non-negative integer "through"');
  }
  const events = Object.hasOwn(obj, 'events') ? obj.events : undefined;
  if (!Array.isArray(events) || events.length === 0) {
    return fail('BAD_FRAME', 'batch needs a non-empty "events" array');
  }
  if (events.length > MAX_BATCH_EVENTS) {
    return fail('BAD_FRAME', 'batch has too many events');
  }
  const kept: EventFrame[] = [];
  const dropped: DroppedEvent[] = [];
  events.forEach((value: unknown, index) => {
    const r = parseEvent(value, validateData);
    if (r.ok) kept.push(r.frame);
    else dropped.push({ index, code: r.code, message: r.message });
  });
  const frame: BatchFrame = { type: 'batch', through, events: kept };
  return dropped.length > 0 ? { ok: true, frame, dropped } : { ok: true, frame };
}

/** The one way frames are put on the wire: JSON text. */
export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}

/**
 * Splices already-encoded event frames (the output of `encodeFrame` for event frames) into one
 * batch frame without re-serializing them: the hub encodes each event once per variant.
 */
export function encodeBatch(encodedEvents: readonly string[], through: number): string {
  return `{"type":"batch","through":${through},"events":[${encodedEvents.join(',')}]}`;
}
