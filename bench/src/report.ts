import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname } from 'node:path';
import { format } from 'prettier';
import type { Figures } from './scenarios/common.js';

export interface VariantResult {
  variant: string;
  runs: Figures[];
  median: Figures;
}

export interface ScenarioResult {
  scenario: string;
  title: string;
  variants: VariantResult[];
  notes?: string[];
  /** Ratio columns as [numerator, denominator] variant names; default: each peer ÷ ours. */
  ratios?: [string, string][];
}

/**
 * The median of the runs that have a figure: NaN is "no figure" and left out, while +∞ (a run
 * that never got there within the scenario's time, e.g. not every client back) is a figure,
 * the worst one.
 */
export function median(values: number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] ?? NaN) : ((v[mid - 1] ?? 0) + (v[mid] ?? 0)) / 2;
}

export function summarize(variant: string, runs: Figures[]): VariantResult {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const med: Figures = {};
  for (const k of keys) med[k] = median(runs.map((r) => r[k] ?? Number.NaN));
  return { variant, runs, median: med };
}

function fmt(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '—';
  if (x === Number.POSITIVE_INFINITY) return '∞';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

function ratioPairs(s: ScenarioResult): [VariantResult, VariantResult][] {
  const byName = (n: string): VariantResult | undefined => s.variants.find((v) => v.variant === n);
  const wanted =
    s.ratios ??
    s.variants
      .filter((v) => v.variant === 'raw ws' || v.variant === 'socket.io')
      .map((v): [string, string] => [v.variant, 'ours']);
  return wanted.flatMap(([a, b]) => {
    const va = byName(a);
    const vb = byName(b);
    return va && vb ? [[va, vb] as [VariantResult, VariantResult]] : [];
  });
}

/** One markdown table per scenario: medians per variant, then the ratio columns. */
export function table(results: ScenarioResult[]): string {
  const out: string[] = [];
  for (const s of results) {
    out.push(`### ${s.title}`, '');
    const names = s.variants.map((v) => v.variant);
    const pairs = ratioPairs(s);
    const ratioCols = pairs.map(([a, b]) => `${a.variant} ÷ ${b.variant}`);
    out.push(`| metric | ${[...names, ...ratioCols].join(' | ')} |`);
    out.push(`| --- | ${[...names, ...ratioCols].map(() => '---:').join(' | ')} |`);
    const keys = [...new Set(s.variants.flatMap((v) => Object.keys(v.median)))];
    for (const k of keys) {
      const cells = s.variants.map((v) => fmt(v.median[k]));
      const ratios = pairs.map(([p, o]) => {
        const a = p.median[k];
        const b = o.median[k];
        const r = a !== undefined && b !== undefined && b !== 0 ? a / b : Number.NaN;
        return Number.isFinite(r) ? `${r.toFixed(2)}×` : fmt(r);
      });
      out.push(`| ${k} | ${[...cells, ...ratios].join(' | ')} |`);
    }
    out.push('');
    for (const n of s.notes ?? []) out.push(`- ${n}`);
    if (s.notes?.length) out.push('');
  }
  return out.join('\n');
}

export function machine(): Record<string, string | number> {
  let load = '';
  try {
    load = execSync('cat /proc/loadavg').toString().trim();
  } catch {
    load = 'unknown';
  }
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadavgAtEnd: load,
  };
}

export async function writeJson(path: string, data: object): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const text = JSON.stringify(data, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? null : v,
  );
  writeFileSync(path, await format(text, { parser: 'json' }));
}
