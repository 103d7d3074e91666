import { readFileSync } from 'node:fs';
import { SqliteDriver } from '@hdns/hub';
import type { BenchConfig } from '../config.js';
import { ClientPool } from '../load/pool.js';
import { ServerHandle } from '../servers/handle.js';
import { sleep } from '../shared.js';
import { serverConfig, tmpFile, type Variant } from '../variants.js';
import { RESUME_DEADLINE_MS, type Figures } from './common.js';

/**
 * Reconnect storm: clients receive a steady stream; the server process is SIGKILLed and started
 * again on the same port (ours on the same SQLite file). Clients reconnect after 100–500 ms of
 * jitter and retry every 200–500 ms; ours resume with `{epoch, seq: highest through}`, peers
 * have no resume. Every event number goes to a ledger file before the event leaves the server,
 * so after the run each client's received numbers are checked against what was published since
 * its first event: missing ones are lost, repeated ones duplicated.
 */
/**
 * What was really published. Ours: the SQLite log is the truth (an event exists iff it was
 * appended; a kill between the ledger write and the append leaves a number that never
 * existed). Peers: the ledger.
 */
function publishedNumbers(ledger: string, sqlitePath: string | undefined): number[] {
  const fromLedger = readFileSync(ledger, 'utf8').trim().split('\n').map(Number);
  if (!sqlitePath) return fromLedger;
  const db = new SqliteDriver(sqlitePath, { readonly: true });
  try {
    const rows = db.prepare(`SELECT body FROM hub_events WHERE type = 'config_change'`).all() as {
      body: string;
    }[];
    return rows
      .map((r) => Number((JSON.parse(r.body) as { data: { key: string } }).data.key.split('|')[0]))
      .sort((a, b) => a - b);
  } finally {
    db.close();
  }
}

export async function storm(
  variant: Variant,
  cfg: BenchConfig,
  profileDir?: string,
): Promise<Figures> {
  const p = cfg.storm;
  const ledger = tmpFile('ledger.txt');
  const config = serverConfig(variant);
  const plan = { rate: p.rate, critPerSec: 0, payloadBytes: p.payloadBytes };
  let server = await ServerHandle.start(config, { ledger });
  let pool: ClientPool | undefined;
  try {
    pool = await ClientPool.start(variant.kind, p.clients, {
      procs: Math.max(1, Math.min(2, Math.ceil(p.clients / 2_500))),
      storm: true,
    });
    await pool.connect(server.url, 100);
    await server.stream(plan);
    await sleep(p.beforeMs);
    const killedAt = Date.now();
    await server.kill();
    server = await ServerHandle.start(
      { ...config, port: server.port },
      { ledger, ...(profileDir ? { profileDir } : {}) },
    );
    const listeningAt = Date.now();
    const profiling = profileDir ? server.profile(8_000) : undefined;
    await server.stream(plan);
    let status = await pool.status();
    const deadline = Date.now() + RESUME_DEADLINE_MS;
    while (status.reconnected < p.clients && Date.now() < deadline) {
      await sleep(100);
      status = await pool.status();
      if (process.env.BENCH_DEBUG) console.log(Date.now() - killedAt, JSON.stringify(status));
    }
    await sleep(p.afterMs);
    await profiling;
    await server.stop();
    await sleep(cfg.drainMs + 500);
    const published = publishedNumbers(ledger, config.sqlitePath);
    const result = await pool.stormReport(published);
    const report = await pool.report();
    if (process.env.BENCH_DEBUG) console.log(`storm ${variant.name}: closes`, report.closeCodes);
    return {
      restartMs: listeningAt - killedAt,
      // ∞: not every client was back by the deadline (`reconnected` says how many were).
      allResumedMs:
        status.reconnected === p.clients ? status.lastReadyAt - killedAt : Number.POSITIVE_INFINITY,
      reconnected: status.reconnected / p.clients,
      resumeFailures: status.resumeFailures,
      published: published.length,
      lost: result.lost,
      duplicated: result.dup,
      clientsWithLoss: result.clientsWithLoss,
      clientsWithDup: result.clientsWithDup,
      lostToAll: result.lostToAll,
    };
  } finally {
    await pool?.close();
    await server.exit();
  }
}
