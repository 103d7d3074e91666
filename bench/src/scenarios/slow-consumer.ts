import type { Socket } from 'node:net';
import type { BenchConfig } from '../config.js';
import { rawConnect, rawHello, rawSend } from '@hdns/testkit/raw-socket';
import { benchToken, sleep, type ServerKind } from '../shared.js';
import type { Variant } from '../variants.js';
import { assertClean, withSetup, type Figures } from './common.js';

/** Opens one client that completes the handshake of its protocol, then never reads again. */
async function stuckClient(kind: ServerKind, url: string): Promise<Socket> {
  const socket = await rawConnect(url, { ignoreErrors: true });
  if (kind === 'ours') {
    rawHello(socket, { id: 'h1', token: benchToken('stuck'), subscribe: ['config_change'] });
  }
  if (kind === 'sio') rawSend(socket, '40');
  await sleep(300);
  socket.pause();
  return socket;
}

/**
 * Slow consumer: the same stream with and without one client that stopped reading. Server RSS
 * is sampled every 250 ms; the other clients' p99 is compared between the two runs.
 */
export async function slowConsumer(
  variant: Variant,
  cfg: BenchConfig,
  withStuck: boolean,
): Promise<Figures> {
  const p = cfg.slow;
  return withSetup(variant, p.clients, cfg.procs, async (server, pool) => {
    const stuck = withStuck ? await stuckClient(variant.kind, server.url) : undefined;
    try {
      const start = await server.stats();
      await pool.reset();
      const r = await server.run({
        rate: p.rate,
        critPerSec: 0,
        payloadBytes: p.payloadBytes,
        durationMs: p.durationMs,
        drainMs: cfg.drainMs,
        rssEveryMs: 250,
      });
      const report = await pool.report();
      assertClean(report, `slow ${variant.name}`);
      const rss = r.rss.length ? r.rss : [start.rss];
      return {
        p99Ms: report.normal.quantile(0.99),
        delivered: report.deliveries / Math.max(1, r.published * p.clients),
        rssStartMB: start.rss / 2 ** 20,
        rssMaxMB: Math.max(...rss) / 2 ** 20,
        rssEndMB: (rss[rss.length - 1] ?? 0) / 2 ** 20,
        stuckStillConnected: withStuck ? (r.connections > p.clients ? 1 : 0) : Number.NaN,
      };
    } finally {
      stuck?.destroy();
    }
  });
}
