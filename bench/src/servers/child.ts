import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { childConfig, exitChild, runChild, serve } from '../proc.js';
import { sleep } from '../shared.js';
import { startOurs } from './ours.js';
import { profiled } from './profiler.js';
import { Publisher, type PublishPlan, type PublishResult } from './publisher.js';
import { startRawWs } from './raw-ws.js';
import { startSocketIo } from './socketio.js';
import type { BenchServer, ServerConfig } from './types.js';

/**
 * One server under test in its own process, so process.cpuUsage() and RSS are the server's
 * alone. Commands arrive over IPC; the publisher runs in this process.
 */
const config = childConfig<ServerConfig & { ledger?: string; profileDir?: string }>();

function lastLedgerN(path: string | undefined): number {
  if (!path || !existsSync(path)) return 0;
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  return Number(lines[lines.length - 1] ?? 0) || 0;
}

function memory(): { rss: number; heapUsed: number; external: number; arrayBuffers: number } {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

async function settledMemory(): Promise<ReturnType<typeof memory>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await sleep(100);
  }
  return memory();
}

/**
 * The kernel's count of connections dropped because a listen queue was full (all sockets of
 * this network namespace; /proc/net/netstat's TcpExt ListenOverflows), or NaN where it cannot
 * be read.
 */
function listenOverflows(): number {
  try {
    // Two `TcpExt:` lines: the field names, then their values.
    const [names = [], values = []] = readFileSync('/proc/net/netstat', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('TcpExt:'))
      .map((l) => l.split(' '));
    return Number(values[names.indexOf('ListenOverflows')]);
  } catch {
    return Number.NaN;
  }
}

/**
 * BENCH_DEBUG: the server's connections, event-loop stalls, CPU and the listen overflows, once a
 * second; returns its stop.
 */
function debugEverySecond(server: BenchServer): () => void {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let cpu = process.cpuUsage();
  let overflows = listenOverflows();
  const timer = setInterval(() => {
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const nowOverflows = listenOverflows();
    console.log(
      `server ${config.kind} ${Date.now() % 100_000} conns=${server.connections()} ${JSON.stringify(server.stats?.() ?? {})} lagMaxMs=${Math.round(lag.max / 1e6)} cpuPct=${Math.round((used.user + used.system) / 1e4)} listenOverflows+${nowOverflows - overflows}`,
    );
    overflows = nowOverflows;
    lag.reset();
  }, 1_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    lag.disable();
  };
}

async function main(): Promise<void> {
  const start =
    config.kind === 'ours' ? startOurs : config.kind === 'raw' ? startRawWs : startSocketIo;
  const server: BenchServer = await start(config);
  const stopDebug = process.env.BENCH_DEBUG ? debugEverySecond(server) : undefined;
  const ledgerFd = config.ledger ? openSync(config.ledger, 'a') : undefined;
  const publisher = new Publisher(server, lastLedgerN(config.ledger) + 1, ledgerFd);
  let stream: Promise<PublishResult> | undefined;

  serve(async (msg) => {
    switch (msg.op) {
      case 'run': {
        // One measured window: publish for durationMs, let queues drain, report CPU and RSS.
        const plan = msg.plan as PublishPlan & { drainMs: number; rssEveryMs?: number };
        const rss: number[] = [];
        const sampler = plan.rssEveryMs
          ? setInterval(() => rss.push(process.memoryUsage().rss), plan.rssEveryMs)
          : undefined;
        const cpu0 = process.cpuUsage();
        const result = await profiled(config.profileDir, async () => {
          const r = await publisher.run(plan);
          await sleep(plan.drainMs);
          return r;
        });
        const cpu = process.cpuUsage(cpu0);
        clearInterval(sampler);
        return {
          ...result,
          cpuUs: cpu.user + cpu.system,
          rss,
          connections: server.connections(),
        };
      }
      case 'stream':
        stream = publisher.run(msg.plan as PublishPlan);
        return {};
      case 'stop': {
        publisher.stop();
        const r = await stream;
        return { ...r, next: publisher.next };
      }
      case 'profile':
        // CPU profile of whatever the server does for the next durationMs (e.g. a resume storm).
        await profiled(config.profileDir, () => sleep(Number(msg.durationMs)));
        return {};
      case 'cpu': {
        // Cumulative CPU time: the parent takes deltas for an instance that does not publish.
        const cpu = process.cpuUsage();
        return { cpuUs: cpu.user + cpu.system };
      }
      case 'mem':
        return { ...(await settledMemory()), connections: server.connections() };
      case 'stats':
        return { connections: server.connections(), ...memory() };
      case 'exit':
        return exitChild(async () => {
          stopDebug?.();
          await server.close();
          if (ledgerFd !== undefined) closeSync(ledgerFd);
        });
      default:
        throw new Error(`unknown op ${msg.op}`);
    }
  });
  process.send?.({ op: 'ready', port: server.port, pid: process.pid });
}

runChild(main);
