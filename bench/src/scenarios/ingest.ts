import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchConfig } from '../config.js';
import type { Figures } from './common.js';

const PARSER = new URL('../../../apps/server/src/monitors/query-log-parser.ts', import.meta.url);

const QTYPES = ['A', 'AAAA', 'HTTPS', 'MX', 'TXT', 'PTR', 'SRV', 'CNAME'];
const FLAGS = ['+', '+E(0)', '+E(0)K', '-E(0)DC', '+ET(0)', '+E(0)CV'];

/** Lines in the BIND 9.18 query-log format (print-time, category and severity on). */
function line(i: number): string {
  const ms = String(i % 1000).padStart(3, '0');
  const ip =
    i % 5 === 0 ? `2001:db8::${(i & 0xffff).toString(16)}` : `10.${(i >> 8) & 255}.${i & 255}.7`;
  const name = `host${i % 997}.zone${i % 31}.example.com`;
  const qtype = QTYPES[i % QTYPES.length] ?? 'A';
  const view = i % 3 === 0 ? ' view internal:' : '';
  const ecs = i % 7 === 0 ? ' [ECS 2001:db8::/48/0]' : '';
  return (
    `15-Jan-2025 10:30:${String(i % 60).padStart(2, '0')}.${ms} queries: info: client ` +
    `@0x7f8b2c${(i % 4096).toString(16).padStart(4, '0')} ${ip}#${1024 + (i % 60000)} (${name}):` +
    `${view} query: ${name} IN ${qtype} ${FLAGS[i % FLAGS.length] ?? '+'} (10.0.0.1)${ecs}`
  );
}

/**
 * Query-log ingest: parseQueryLine over real-format lines on one core. Skipped until
 * apps/server/src/monitors/query-log-parser.ts exists.
 */
export async function ingest(
  cfg: BenchConfig,
): Promise<{ figures: Figures } | { skipped: string }> {
  if (!existsSync(PARSER))
    return { skipped: 'apps/server/src/monitors/query-log-parser.ts absent' };
  const mod = (await import(pathToFileURL(PARSER.pathname).href)) as {
    parseQueryLine?: (line: string) => unknown;
  };
  const parse = mod.parseQueryLine;
  if (typeof parse !== 'function') return { skipped: 'query-log-parser exports no parseQueryLine' };
  const lines = Array.from({ length: 10_000 }, (_, i) => line(i));
  let parsed = 0;
  for (const l of lines) if (parse(l)) parsed++;
  if (parsed < lines.length) return { skipped: `parser rejected ${lines.length - parsed} lines` };
  const start = performance.now();
  for (let i = 0; i < cfg.ingest.lines; i++) parse(lines[i % lines.length] ?? '');
  const secs = (performance.now() - start) / 1000;
  return { figures: { linesPerSec: cfg.ingest.lines / secs } };
}
