import { readFile, statfs } from 'node:fs/promises';
import os from 'node:os';

/**
 * Raw host counters for system-metrics.ts, dependency-free (node:os, fs.statfs, /proc). Each
 * reading is a point in time; rates come from two readings.
 */

export interface CpuTimes {
  idle: number;
  total: number;
}

/** Sum of all cores' times (ms since boot) from os.cpus(). */
export function readCpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

/** Busy share between two readings, 0–100; 0 when no time passed. */
export function cpuPercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  const busy = total - (after.idle - before.idle);
  return clampPercent((busy / total) * 100);
}

export interface NetBytes {
  rx: number;
  tx: number;
}

/**
 * Parses /proc/net/dev (`iface: rxBytes … (8 rx fields) txBytes …`), summing every interface but
 * loopback. Exported for tests.
 */
export function parseNetDev(text: string): NetBytes {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    if (iface === 'lo' || iface.length === 0) continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const r = Number(fields[0]);
    const t = Number(fields[8]);
    if (Number.isFinite(r) && Number.isFinite(t)) {
      rx += r;
      tx += t;
    }
  }
  return { rx, tx };
}

/** null where /proc is not available (non-Linux): network rates then read 0. */
export async function readNetBytes(file = '/proc/net/dev'): Promise<NetBytes | null> {
  try {
    return parseNetDev(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

export interface DiskUsage {
  path: string;
  usedBytes: number;
  totalBytes: number;
  percent: number;
}

/** Like df: used = total − free, percent = used / (used + available to unprivileged users). */
export async function readDisk(path: string): Promise<DiskUsage> {
  const s = await statfs(path);
  const totalBytes = s.blocks * s.bsize;
  const usedBytes = (s.blocks - s.bfree) * s.bsize;
  const usable = usedBytes + s.bavail * s.bsize;
  return {
    path,
    usedBytes,
    totalBytes,
    percent: usable > 0 ? clampPercent((usedBytes / usable) * 100) : 0,
  };
}

export function readMemory(): { usedBytes: number; totalBytes: number; percent: number } {
  const totalBytes = os.totalmem();
  // os.freemem() is MemAvailable on Linux (libuv), so cache counts as free, as it should.
  const usedBytes = Math.max(0, totalBytes - os.freemem());
  return { usedBytes, totalBytes, percent: clampPercent((usedBytes / totalBytes) * 100) };
}

export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, Math.round(value * 10) / 10));
}
