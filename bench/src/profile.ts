import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.includes('/node_modules/ws/')) return 'ws';
  if (url.includes('/node_modules/zod/')) return 'zod';
  if (url.includes('better-sqlite3')) return 'better-sqlite3';
  if (url.includes('prom-client')) return 'prom-client';
  if (url.includes('/packages/hub/')) return 'hub';
  if (url.includes('/packages/protocol/')) return 'protocol';
  if (url.includes('/bench/')) return 'bench publisher';
  if (url.startsWith('node:')) return 'node internals';
  return url.split('/').slice(-2).join('/');
}

/** Self time by function and by area (percent of busy, non-idle time) of the newest .cpuprofile in `dir`. */
export function summarizeProfile(
  dir: string,
  top = 20,
): {
  file: string;
  totalMs: number;
  idlePct: number;
  byArea: { area: string; ms: number; pct: number }[];
  topFrames: { frame: string; ms: number; pct: number }[];
} {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .pop();
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const perSample = totalMs / Math.max(1, profile.samples.length);
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const n of profile.nodes) {
    const ms = (n.hitCount ?? 0) * perSample;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    // tsx-compiled sources report line 1; the function name is what identifies them.
    const line = lineNumber > 0 ? `:${lineNumber + 1}` : '';
    const short = url ? `${url.split('/').slice(-2).join('/')}${line}` : '';
    const key = `${functionName || '(anonymous)'} ${short}`.trim();
    frames.set(key, (frames.get(key) ?? 0) + ms);
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + ms);
  }
  const busy = [...areas].filter(([a]) => a !== '(idle)').reduce((s, [, ms]) => s + ms, 0);
  const rank = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, ms]) => ({ k, ms, pct: (100 * ms) / busy }));
  return {
    file,
    totalMs,
    idlePct: (100 * (areas.get('(idle)') ?? 0)) / totalMs,
    byArea: rank(areas)
      .filter((a) => a.k !== '(idle)')
      .map(({ k, ms, pct }) => ({ area: k, ms, pct })),
    topFrames: rank(frames)
      .filter((f) => f.k !== '(idle)')
      .slice(0, top)
      .map(({ k, ms, pct }) => ({ frame: k, ms, pct })),
  };
}
