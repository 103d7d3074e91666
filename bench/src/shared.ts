/** What every bench server publishes and every load client parses. */
import { token } from '@hdns/testkit/tokens';

export type ServerKind = 'ours' | 'raw' | 'sio';

/** Event payload shared by all servers: fits our `config_change` schema, parsed the same way. */
export interface BenchData {
  scope: 'bench';
  /** `${n}|${publishedAtMs}|${critical ? 1 : 0}` */
  key: string;
  before: string | null;
  after: string;
}

/** Wall clock in ms with sub-ms precision; comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A payload whose JSON is `bytes` long (at least ~60 bytes). Pads before/after (≤ 4096 each). */
export function makeData(n: number, critical: boolean, bytes: number): BenchData {
  const key = `${n}|${nowMs().toFixed(3)}|${critical ? 1 : 0}`;
  const base = JSON.stringify({ scope: 'bench', key, before: '', after: '' }).length;
  const pad = Math.max(0, bytes - base);
  const before = 'b'.repeat(Math.max(0, pad - 4096));
  return { scope: 'bench', key, before, after: 'a'.repeat(Math.min(pad, 4096)) };
}

export function parseKey(key: string): { n: number; t: number; critical: boolean } {
  const [n, t, c] = key.split('|');
  return { n: Number(n), t: Number(t), critical: c === '1' };
}

/** A testkit test token (no JWT cost in the figures), admin, valid for a whole run. */
export function benchToken(id: string): string {
  return token(id, 'admin', null, 6 * 3_600_000);
}

// Subpath imports: a load client or bench server must not load the rest of the test kit.
export { sleep } from '@hdns/testkit/wait';
