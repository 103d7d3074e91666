import { writeSync } from 'node:fs';
import { makeData } from '../shared.js';
import type { BenchServer } from './types.js';

export interface PublishPlan {
  /** Normal events per second. */
  rate: number;
  /** Critical events per second (0 = none), published mid-second. */
  critPerSec: number;
  payloadBytes: number;
  /** Stop after this long; undefined = until stop(). */
  durationMs?: number;
}

export interface PublishResult {
  published: number;
  critical: number;
  /** Events the plan asked for; more than `published` means the publisher fell behind. */
  planned: number;
  wallMs: number;
}

/**
 * Publishes at a steady rate from inside the server process (no IPC on the hot path). Events
 * are numbered globally per process (`next`); with a ledger fd every number is written before
 * the event leaves, so a SIGKILL never hides an event that a client could have seen.
 */
export class Publisher {
  private stopped = false;

  constructor(
    private readonly server: BenchServer,
    public next: number,
    private readonly ledgerFd?: number,
  ) {}

  run(plan: PublishPlan): Promise<PublishResult> {
    this.stopped = false;
    const start = performance.now();
    const tickMs = Math.max(1, Math.min(20, Math.floor(1000 / Math.max(1, plan.rate))));
    const maxBurst = Math.max(4, Math.ceil(plan.rate / 20));
    let sent = 0;
    let crit = 0;
    return new Promise((resolve) => {
      const tick = (): void => {
        const elapsed = performance.now() - start;
        const until = Math.min(elapsed, plan.durationMs ?? Number.POSITIVE_INFINITY);
        const due = Math.floor((until * plan.rate) / 1000);
        for (let burst = 0; sent < due && burst < maxBurst; burst++, sent++) this.one(plan, false);
        const critDue = Math.floor((until * plan.critPerSec) / 1000 + 0.5);
        for (; crit < critDue; crit++) this.one(plan, true);
        const over = plan.durationMs !== undefined && elapsed >= plan.durationMs;
        if (over || this.stopped) {
          const planned = Math.floor((until * plan.rate) / 1000);
          resolve({ published: sent, critical: crit, planned, wallMs: elapsed });
          return;
        }
        setTimeout(tick, tickMs);
      };
      tick();
    });
  }

  /** Ends an open-ended run; run() resolves on its next tick (at most 20 ms). */
  stop(): void {
    this.stopped = true;
  }

  private one(plan: PublishPlan, critical: boolean): void {
    const n = this.next++;
    if (this.ledgerFd !== undefined) writeSync(this.ledgerFd, `${n}\n`);
    this.server.publish(makeData(n, critical, plan.payloadBytes), critical);
  }
}
