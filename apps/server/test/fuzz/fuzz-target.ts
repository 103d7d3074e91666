import type fc from 'fast-check';
import { CloseCode, isErrorCode } from '@hdns/protocol';
import type { FuzzServer } from './fuzz-server.js';
import type { RawResponse, ServerFrame } from './raw-wire.js';

/**
 * One family of generated inputs. `run` sends one case and throws (with what it saw) when the
 * server answered in a way that is a bug: a 5xx, no answer at all, a code outside the error
 * catalogue, an INTERNAL error frame, a close with INTERNAL_ERROR or 1011.
 */
export interface FuzzTarget {
  name: string;
  /** Cases per `npm test` run (the suite's share of the 5,000+). */
  runs: number;
  /** False for parser cases run in this process: the server is not involved. */
  touchesServer: boolean;
  arbitrary(server: FuzzServer): fc.Arbitrary<unknown>;
  run(server: FuzzServer, value: unknown): Promise<void>;
  /** Releases what `run` set up on first use (files, in-process streams). */
  close?(): Promise<void>;
}

/** Typed definition; the value crosses into `run` exactly as the arbitrary generated it. */
export function defineTarget<T>(t: {
  name: string;
  runs: number;
  touchesServer: boolean;
  arbitrary(server: FuzzServer): fc.Arbitrary<T>;
  run(server: FuzzServer, value: T): Promise<void>;
  close?(): Promise<void>;
}): FuzzTarget {
  return {
    name: t.name,
    runs: t.runs,
    touchesServer: t.touchesServer,
    arbitrary: (server) => t.arbitrary(server),
    run: (server, value) => t.run(server, value as T),
    ...(t.close ? { close: () => t.close?.() ?? Promise.resolve() } : {}),
  };
}

export class FuzzFailure extends Error {
  override name = 'FuzzFailure';
}

/**
 * Codes whose 5xx reports another server's failure, not ours: a fuzzed AXFR import names a
 * server that does not exist or does not answer, and 502 ZONE_TRANSFER_FAILED is the right answer.
 */
const UPSTREAM_FAILURES = new Set(['ZONE_TRANSFER_FAILED']);

/**
 * A refused or answered HTTP request: any status below 500 (or a 502 that blames an upstream
 * server by its catalogue code), with a catalogue code if JSON.
 */
export function checkHttp(res: RawResponse, what: string): void {
  if (res.status === 0) {
    throw new FuzzFailure(`${what}: connection closed without an HTTP answer`);
  }
  const upstream = res.status === 502 && UPSTREAM_FAILURES.has(String(parseCode(res.body)));
  if (res.status >= 500 && !upstream) {
    throw new FuzzFailure(`${what}: answered ${res.status} ${res.body.slice(0, 300)}`);
  }
  // (A HEAD answer has the headers of a JSON error but no body.)
  if (
    res.status >= 400 &&
    res.body.length > 0 &&
    /content-type: *application\/json/i.test(res.head)
  ) {
    // Every JSON error body is a catalogue one: a missing code means a framework default leaked.
    const code = parseCode(res.body);
    if (!isErrorCode(code)) {
      throw new FuzzFailure(
        `${what}: answered ${res.status} with a code outside the catalogue: ${JSON.stringify(code)}`,
      );
    }
  }
}

function parseCode(body: string): unknown {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as { code?: unknown }).code
      : undefined;
  } catch {
    return undefined;
  }
}

/** Closes that mean a handler on the server threw. */
const BUG_CLOSES = new Set<number>([1011, CloseCode.INTERNAL_ERROR]);

export function checkWebSocket(
  frames: readonly ServerFrame[],
  closeCode: number | null,
  what: string,
): void {
  if (closeCode !== null && BUG_CLOSES.has(closeCode)) {
    throw new FuzzFailure(`${what}: closed with ${closeCode} (a server handler failed)`);
  }
  for (const f of frames) {
    if (f.opcode !== 1) continue;
    const text = f.payload.toString();
    if (/"code":"INTERNAL"/.test(text))
      throw new FuzzFailure(`${what}: error frame ${text.slice(0, 300)}`);
  }
}
