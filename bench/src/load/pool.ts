import { Child, type Reply } from '../proc.js';
import type { ServerKind } from '../shared.js';
import { Histogram, type HistogramData } from './histogram.js';

export interface PoolReport {
  normal: Histogram;
  critical: Histogram;
  deliveries: number;
  protocolErrors: number;
  errorSamples: string[];
  closeCodes: Record<string, number>;
  ready: number;
}

interface ProcReport extends Reply {
  normal: HistogramData;
  critical: HistogramData;
  deliveries: number;
  protocolErrors: number;
  errorSamples: string[];
  closeCodes: Record<string, number>;
  ready: number;
}

export interface StormStatus {
  ready: number;
  reconnected: number;
  lastReadyAt: number;
  resumeFailures: number;
}

/** The load generator: `clients` sockets split over `procs` child processes. */
export class ClientPool {
  private constructor(
    readonly procs: Child[],
    readonly clients: number,
  ) {}

  static async start(
    kind: ServerKind,
    clients: number,
    options: { procs?: number; storm?: boolean; base?: number } = {},
  ): Promise<ClientPool> {
    const n = Math.max(1, Math.min(options.procs ?? 2, clients));
    const procs: Child[] = [];
    let base = options.base ?? 0;
    for (let i = 0; i < n; i++) {
      const count = Math.floor(clients / n) + (i < clients % n ? 1 : 0);
      procs.push(
        Child.start(
          './load/client-proc.ts',
          { kind, base, count, storm: options.storm ?? false },
          [],
          `clients:${kind}:${i}`,
        ),
      );
      base += count;
    }
    await Promise.all(procs.map((p) => p.waitFor('ready')));
    return new ClientPool(procs, clients);
  }

  /**
   * Connects every client; throws if any failed (a broken bench must not report figures). With
   * several URLs (instances), client i opens url[i % n].
   */
  async connect(url: string | string[], concurrency = 50): Promise<number> {
    const start = Date.now();
    const replies = await Promise.all(
      this.procs.map((p) => p.request({ op: 'connect', url, concurrency }, 600_000)),
    );
    const failed = replies.reduce((n, r) => n + Number(r.failed), 0);
    if (failed > 0) {
      const report = await this.report();
      throw new Error(`${failed} clients failed to connect: ${report.errorSamples.join('; ')}`);
    }
    return Date.now() - start;
  }

  async reset(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.request({ op: 'reset' })));
  }

  async report(): Promise<PoolReport> {
    const replies = await Promise.all(
      this.procs.map((p) => p.request<ProcReport>({ op: 'report' })),
    );
    const out: PoolReport = {
      normal: new Histogram(),
      critical: new Histogram(),
      deliveries: 0,
      protocolErrors: 0,
      errorSamples: [],
      closeCodes: {},
      ready: 0,
    };
    for (const r of replies) {
      out.normal.merge(r.normal);
      out.critical.merge(r.critical);
      out.deliveries += r.deliveries;
      out.protocolErrors += r.protocolErrors;
      out.errorSamples.push(...r.errorSamples);
      out.ready += r.ready;
      for (const [k, v] of Object.entries(r.closeCodes))
        out.closeCodes[k] = (out.closeCodes[k] ?? 0) + v;
    }
    return out;
  }

  async status(): Promise<StormStatus> {
    const replies = await Promise.all(this.procs.map((p) => p.request({ op: 'status' })));
    return {
      ready: replies.reduce((n, r) => n + Number(r.ready), 0),
      reconnected: replies.reduce((n, r) => n + Number(r.reconnected), 0),
      lastReadyAt: Math.max(...replies.map((r) => Number(r.lastReadyAt))),
      resumeFailures: replies.reduce((n, r) => n + Number(r.resumeFailures), 0),
    };
  }

  async stormReport(published: number[]): Promise<{
    lost: number;
    dup: number;
    clientsWithLoss: number;
    clientsWithDup: number;
    lostToAll: number;
  }> {
    const replies = await Promise.all(
      this.procs.map((p) => p.request({ op: 'storm-report', published })),
    );
    const lostByN = new Map<number, number>();
    for (const r of replies)
      for (const [n, k] of r.lostByN as [number, number][])
        lostByN.set(n, (lostByN.get(n) ?? 0) + k);
    return {
      lost: replies.reduce((n, r) => n + Number(r.lost), 0),
      dup: replies.reduce((n, r) => n + Number(r.dup), 0),
      clientsWithLoss: replies.reduce((n, r) => n + Number(r.clientsWithLoss), 0),
      clientsWithDup: replies.reduce((n, r) => n + Number(r.clientsWithDup), 0),
      // Events no client at all received (e.g. numbered, then the process died before sending).
      lostToAll: [...lostByN.values()].filter((k) => k === this.clients).length,
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.procs.map(async (p) => {
        try {
          await p.request({ op: 'close' }, 10_000);
        } catch {
          // gone already
        }
        const timer = setTimeout(() => void p.kill(), 5_000);
        await p.exited;
        clearTimeout(timer);
      }),
    );
  }
}
