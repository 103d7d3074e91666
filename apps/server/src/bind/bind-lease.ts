import { RedisScript, type RedisCommander } from '@hdns/hub';

/**
 * Who drives BIND when several instances share one database (HDNS_BIND_LEASE): the holder of a
 * lease in Redis. The lease is one key with a deadline kept by Redis (PX), so no two clocks are
 * compared; each acquisition increments a fencing token that travels with forwarded writes.
 *
 * Timing contract (ttl T, default 10 s; a round every T/5): the holder renews every round and
 * gives BIND up by itself once T − T/4 has passed since the start of its last successful renewal,
 * before Redis can hand the lease to anyone else (that needs T since the renewal reached
 * Redis). A dead holder is replaced within T + T/5 (the lease expires, then the next round of a
 * waiting instance takes it); the new holder then renders every zone into its own named.
 */

/** The lease as an instance last saw it. */
export type LeaseView =
  | { kind: 'mine'; token: number }
  | { kind: 'other'; holder: string; url: string; token: number }
  | { kind: 'none' };

// KEYS[1] lease (JSON {holder, url, token}), KEYS[2] token counter. ARGV: node, url, ttl ms.
// Returns {'mine', token} (acquired or renewed) or {'other', holder, url, token}.
const ACQUIRE = new RedisScript(`
local raw = redis.call('GET', KEYS[1])
if raw then
  local l = cjson.decode(raw)
  if l.holder ~= ARGV[1] then return {'other', l.holder, l.url, tostring(l.token)} end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'mine', tostring(l.token)}
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], cjson.encode({holder = ARGV[1], url = ARGV[2], token = token}), 'PX', ARGV[3])
return {'mine', tostring(token)}
`);

// Frees the lease if ARGV[1] holds it (a clean stop: the next instance need not wait).
const RELEASE = new RedisScript(`
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).holder == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`);

export interface BindLeaseOptions {
  client: RedisCommander;
  prefix: string;
  /** This instance's unique name. */
  node: string;
  /** Where other instances reach this one (HDNS_CLUSTER_URL). */
  url: string;
  /** May this instance drive BIND? If not, it only follows who does. */
  eligible: boolean;
  ttlMs?: number;
  /**
   * Called once per acquisition. Runs beside the rounds (starting named and rendering every zone
   * may outlast a round; the lease is renewed meanwhile); `onLose` waits for it.
   */
  onAcquire(token: number): Promise<void>;
  /** Called when the lease was lost or given up (and at stop, while holding). */
  onLose(reason: string): Promise<void>;
  onError(err: unknown): void;
}

/** Resolves after `ms` (bounds waits on a Redis that is away: node-redis queues commands). */
const after = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class BindLease {
  private view: LeaseView = { kind: 'none' };
  private readonly keys: string[];
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** Fires when the last renewal is too old to trust: BIND is given up (see the contract). */
  private giveUpTimer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private busy = false;
  /** onAcquire and onLose, one after the other. */
  private transition: Promise<void> = Promise.resolve();
  private holding = false;
  /** After a failed takeover this instance only follows the lease until then (one ttl). */
  private pausedUntil = 0;
  private stopped = false;

  constructor(private readonly options: BindLeaseOptions) {
    const tag = `{${options.prefix}}`;
    this.keys = [`${tag}:bind:lease`, `${tag}:bind:token`];
    this.ttlMs = options.ttlMs ?? 10_000;
  }

  /** The lease as of the last round (at most ttl/5 old). */
  current(): LeaseView {
    return this.view;
  }

  /**
   * Starts the rounds; resolves after the first (or after ttl if Redis does not answer).
   * Returns the stop, which gives BIND up and releases a held lease.
   */
  async start(): Promise<() => Promise<void>> {
    this.round = this.tick();
    await Promise.race([this.round, after(this.ttlMs)]);
    this.timer = setInterval(() => {
      // A round stuck on an absent Redis is not stacked upon; the give-up timer still runs.
      if (this.busy) return;
      this.busy = true;
      this.round = this.tick().finally(() => {
        this.busy = false;
      });
    }, this.ttlMs / 5);
    this.timer.unref();
    return () => this.stop();
  }

  private async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.giveUpTimer);
    await Promise.race([this.round, after(this.ttlMs)]);
    const held = this.holding;
    if (held) await this.lose('server stopping');
    await this.transition;
    if (!held) return;
    await Promise.race([
      RELEASE.run(this.options.client, [this.keys[0] ?? ''], [this.options.node]).catch(
        (err: unknown) => this.options.onError(err),
      ),
      after(this.ttlMs),
    ]);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const startedAt = performance.now();
    try {
      const competing = this.options.eligible && performance.now() >= this.pausedUntil;
      const view = competing ? await this.acquire() : await this.read();
      if (this.stopped) return;
      if (view.kind === 'mine') {
        this.view = view;
        this.armGiveUp(startedAt);
        if (!this.holding) {
          this.holding = true;
          void this.chain(() => this.takeOver(view.token));
        }
        return;
      }
      this.view = view;
      if (this.holding) await this.lose('another instance holds the lease');
    } catch (err) {
      this.options.onError(err);
    }
  }

  /**
   * Redis may pass the lease on `ttl` after the renewal reached it, which was after `startedAt`;
   * giving up at 0.75 ttl after `startedAt` leaves a quarter of the ttl for named to stop.
   */
  private armGiveUp(startedAt: number): void {
    clearTimeout(this.giveUpTimer);
    const left = this.ttlMs * 0.75 - (performance.now() - startedAt);
    this.giveUpTimer = setTimeout(
      () => {
        if (!this.holding) return;
        this.view = { kind: 'none' };
        void this.lose('lease not renewed in time');
      },
      Math.max(0, left),
    );
    this.giveUpTimer.unref();
  }

  /**
   * Runs onAcquire; if it fails (named would not start, the database was away), the lease is
   * given back at once and this instance sits out one ttl, so a healthy instance takes over
   * instead of every DNS write waiting on a holder that serves nothing.
   */
  private async takeOver(token: number): Promise<void> {
    try {
      await this.options.onAcquire(token);
    } catch (err) {
      this.options.onError(err);
      if (!this.holding) return;
      clearTimeout(this.giveUpTimer);
      this.holding = false;
      this.view = { kind: 'none' };
      this.pausedUntil = performance.now() + this.ttlMs;
      await this.options
        .onLose('taking over failed')
        .catch((e: unknown) => this.options.onError(e));
      await Promise.race([
        RELEASE.run(this.options.client, [this.keys[0] ?? ''], [this.options.node]),
        after(this.ttlMs / 2),
      ]).catch((e: unknown) => this.options.onError(e));
    }
  }

  private lose(reason: string): Promise<void> {
    clearTimeout(this.giveUpTimer);
    this.holding = false;
    return this.chain(() => this.options.onLose(reason));
  }

  private chain(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step).catch((err: unknown) => {
      this.options.onError(err);
    });
    return this.transition;
  }

  private async acquire(): Promise<LeaseView> {
    const reply = await ACQUIRE.run(this.options.client, this.keys, [
      this.options.node,
      this.options.url,
      String(this.ttlMs),
    ]);
    return parseView(reply);
  }

  private async read(): Promise<LeaseView> {
    const raw = await this.options.client.sendCommand(['GET', this.keys[0] ?? '']);
    if (typeof raw !== 'string') return { kind: 'none' };
    const l = JSON.parse(raw) as { holder: string; url: string; token: number };
    return { kind: 'other', holder: l.holder, url: l.url, token: l.token };
  }
}

function parseView(reply: unknown): LeaseView {
  if (!Array.isArray(reply)) throw new Error('unexpected lease reply');
  const [kind, a, b, c] = reply as string[];
  if (kind === 'mine') return { kind: 'mine', token: Number(a) };
  return { kind: 'other', holder: a ?? '', url: b ?? '', token: Number(c) };
}
