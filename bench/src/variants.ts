import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerKind } from './shared.js';
import { ServerHandle, type StartOptions } from './servers/handle.js';
import type { HubTuning, ServerConfig } from './servers/types.js';

/** A server configuration under test. Ours always logs to SQLite (the default) unless noted. */
export interface Variant {
  name: string;
  kind: ServerKind;
  batchDelayMs?: number;
  maxBatchEvents?: number;
  tuning?: HubTuning;
}

export const OURS: Variant = { name: 'ours', kind: 'ours', batchDelayMs: 20 };
export const OURS_NO_BATCH: Variant = {
  name: 'ours (batchDelayMs 0)',
  kind: 'ours',
  batchDelayMs: 0,
};
/** True per-event sends without a hub change: a queue of depth 1 flushes inside publish. */
export const OURS_UNBATCHED: Variant = {
  name: 'ours (maxBatchEvents 1)',
  kind: 'ours',
  batchDelayMs: 20,
  maxBatchEvents: 1,
};
/**
 * Ours as before issue 17's delivery work: the window fixed at 20 ms, 256 KB in flight per
 * session, every flush round in one synchronous loop (multi-event frames are shared either way).
 */
export const OURS_BEFORE: Variant = {
  name: 'ours (fixed window, 256 KB in flight, no yield)',
  kind: 'ours',
  batchDelayMs: 20,
  tuning: { widenMaxFactor: 1, maxInflightBytes: 256 * 1024, flushSlice: 1_000_000 },
};
export const RAW: Variant = { name: 'raw ws', kind: 'raw' };
export const SIO: Variant = { name: 'socket.io', kind: 'sio' };

const dir = mkdtempSync(join(tmpdir(), 'hdns-bench-'));
let files = 0;

export function tmpFile(name: string): string {
  return join(dir, `${++files}-${name}`);
}

export function cleanupTmp(): void {
  rmSync(dir, { recursive: true, force: true });
}

export function serverConfig(v: Variant, port = 0, sqlitePath?: string): ServerConfig {
  return {
    kind: v.kind,
    port,
    ...(v.batchDelayMs !== undefined ? { batchDelayMs: v.batchDelayMs } : {}),
    ...(v.maxBatchEvents !== undefined ? { maxBatchEvents: v.maxBatchEvents } : {}),
    ...(v.tuning ? { tuning: v.tuning } : {}),
    ...(v.kind === 'ours' ? { sqlitePath: sqlitePath ?? tmpFile('events.sqlite') } : {}),
  };
}

export function startVariant(v: Variant, options: StartOptions = {}): Promise<ServerHandle> {
  return ServerHandle.start(serverConfig(v), options);
}
