/** Small, locale-aware formatters shared by the pages. */
import { REDACTED } from '@hdns/protocol';

export const isRedacted = (value: unknown): boolean => value === REDACTED;

export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i] ?? 'B'}`;
}

export function formatDuration(sec: number): string {
  const d = Math.floor(sec / 86_400);
  const h = Math.floor((sec % 86_400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${Math.floor(sec % 60)}s`;
  return `${Math.floor(sec)}s`;
}

export function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString(undefined, { maximumFractionDigits: digits });
}

/**
 * A query's dnstap latency, to the millisecond: 0 means under one (an answer from the cache or a
 * zone); from 10 s on in seconds ("12.5 s"), so the query log's narrow column never wraps.
 */
export function formatLatency(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1) return '<1 ms';
  if (Math.round(ms) < 10_000) return `${formatNumber(ms, 0)} ms`;
  return `${formatNumber(ms / 1000, ms < 100_000 ? 1 : 0)} s`;
}
