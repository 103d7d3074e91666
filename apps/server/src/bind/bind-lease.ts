import { createHmac, timingSafeEqual } from 'node:crypto';
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
 *
 * The lease names the holder's URL, where other instances forward DNS writes with the client's
 * token. So that whoever can write to Redis cannot redirect them, the holder signs
 * `holder|url|token` with a key derived from the shared secret (HDNS_JWT_SECRET) right after it
 * takes the lease; a lease whose signature does not verify, or whose token is below the
 * database's fence (an old lease replayed), is treated as no lease (writes answer
 * BIND_UNAVAILABLE) and reported.
 */

/** The lease as an instance last saw it. */
export type LeaseView =
  | { kind: 'mine'; token: number }
  | { kind: 'other'; holder: string; url: string; token: number }
  | { kind: 'none' };

// KEYS[1] lease (JSON {holder, url, token, sig}), KEYS[2] token counter. ARGV: node, url, ttl
// ms. Returns {'mine', token, sig} (acquired or renewed) or {'other', holder, url, token, sig}.
// A new lease is stored unsigned: its token is known only now, and SIGN adds the signature.
const ACQUIRE = new RedisScript(`
local raw = redis.call('GET', KEYS[1])
if raw then
  local l = cjson.decode(raw)
  if l.holder ~= ARGV[1] then
    return {'other', tostring(l.holder), tostring(l.url), tostring(l.token), tostring(l.sig)}
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'mine', tostring(l.token), tostring(l.sig or '')}
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], cjson.encode({holder = ARGV[1], url = ARGV[2], token = token, sig = ''}), 'PX', ARGV[3])
return {'mine', tostring(token), ''}
`);

// Signs KEYS[1] (sig ARGV[3]) if it is still ARGV[1]'s lease under token ARGV[2]; keeps its ttl.
const SIGN = new RedisScript(`
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local l = cjson.decode(raw)
if l.holder ~= ARGV[1] or tostring(l.token) ~= ARGV[2] then return 0 end
l.sig = ARGV[3]
redis.call('SET', KEYS[1], cjson.encode(l), 'KEEPTTL')
return 1
`);

// Raises the token counter KEYS[1] to ARGV[1] if it is below.
const RAISE_FLOOR = new RedisScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 0
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
  /** The secret shared by the instances (HDNS_JWT_SECRET): the lease is signed with it. */
  secret: string;
  /** May this instance drive BIND? If not, it only follows who does. */
  eligible: boolean;
  ttlMs?: number;
  /**
   * Called once per acquisition. Runs beside the rounds (starting named and rendering every zone
   * may outlast a round; the lease is renewed meanwhile); `onLose` waits for it.
   */
  onAcquire(token: number): Promise<void>;
  /**
   * Called when this instance, while holding BIND, took the lease again under a new token
   * (Redis lost the key). If it fails, the lease is given back as after a failed takeover.
   */
  onNewToken(token: number, previous: number): Promise<void>;
  /**
   * The fencing token the database's fence carries: another instance's lease below it is stale
   * (replayed into Redis) and is not followed. Optional (tests of the lease alone).
   */
  fenceToken?: () => Promise<number>;
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
  private readonly key: Buffer;
  /** Bumped whenever BIND is given up: a round that began before it must not undo that. */
  private epoch = 0;

  constructor(private readonly options: BindLeaseOptions) {
    const tag = `{${options.prefix}}`;
    this.keys = [`${tag}:bind:lease`, `${tag}:bind:token`];
    this.ttlMs = options.ttlMs ?? 10_000;
    // A key of its own, so the JWT key itself never signs anything but tokens.
    this.key = createHmac('sha256', options.secret).update('hdns bind lease v1').digest();
  }

  /** This instance's name in the lease (and in the database's fence). */
  get node(): string {
    return this.options.node;
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
    this.busy = true;
    this.round = this.tick().finally(() => {
      this.busy = false;
    });
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

  /**
   * BIND is given up first (named stops whatever Redis does), then the lease is released so the
   * next instance need not wait for it to expire. Redis is waited for at most 1 s in all (a
   * SIGTERM while Redis is away must not outlast the service manager's stop timeout); an
   * unreleased lease simply expires.
   */
  private async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.giveUpTimer);
    if (this.holding) await this.lose('server stopping');
    await this.transition;
    const deadline = after(Math.min(this.ttlMs / 5, 1_000));
    // A round in flight could still renew (or take) the lease after a release: let it land,
    // then release whatever this instance may hold (RELEASE deletes only its own lease).
    await Promise.race([this.round, deadline]);
    if (!this.options.eligible) return;
    await Promise.race([
      RELEASE.run(this.options.client, [this.keys[0] ?? ''], [this.options.node]).catch(
        (err: unknown) => this.options.onError(err),
      ),
      deadline,
    ]);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const startedAt = performance.now();
    const epoch = this.epoch;
    try {
      const competing = this.options.eligible && performance.now() >= this.pausedUntil;
      const view = competing ? await this.acquire() : await this.read();
      // Stopped, or BIND was given up meanwhile (abandon, a failed takeover): this round's
      // answer predates that and must not take the lease back up.
      if (this.stopped || epoch !== this.epoch) return;
      if (view.kind === 'mine') {
        const held = this.view.kind === 'mine' ? this.view.token : null;
        this.view = view;
        this.armGiveUp(startedAt);
        if (!this.holding) {
          this.holding = true;
          void this.chain(() => this.takeOver(view.token));
        } else if (held !== null && held !== view.token) {
          // Redis lost the lease (DEL, FLUSHALL, a restart without persistence) and this round
          // took it again under a new token while BIND kept running here: the fence follows.
          void this.chain(() => this.retoken(held, view.token));
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
      await this.giveBack('taking over failed');
    }
  }

  /**
   * The fence follows the new token if nobody held the lease in between; otherwise (or if that
   * fails) BIND is given up and taken over again, rendering every zone from the database.
   */
  private async retoken(previous: number, token: number): Promise<void> {
    if (!this.holding) return;
    try {
      await this.options.onNewToken(token, previous);
    } catch (err) {
      this.options.onError(err);
      if (!this.holding) return;
      await this.options
        .onLose('the lease came back under a new token: rendering every zone again')
        .catch((e: unknown) => this.options.onError(e));
      await this.takeOver(token);
    }
  }

  /**
   * Raises the token counter to at least `floor`, so the next acquisition gets a token above it
   * (Redis lost the counter, and tokens started again below the database's fence).
   */
  async raiseTokenFloor(floor: number): Promise<void> {
    // Bounded: it runs inside a takeover, which a give-up or a stop waits for.
    await Promise.race([
      RAISE_FLOOR.run(this.options.client, [this.keys[1] ?? ''], [String(floor)]),
      after(this.ttlMs / 2),
    ]);
  }

  /**
   * Gives the lease back at once while holding it (this instance cannot serve DNS: its named is
   * down for good), and sits out one ttl so a healthy instance takes over. Returns when BIND was
   * given up and the lease released (or Redis did not answer within ttl/2). No-op otherwise.
   */
  abandon(reason: string): void {
    if (!this.holding || this.stopped) return;
    void this.chain(() => this.giveBack(reason));
  }

  private async giveBack(reason: string): Promise<void> {
    if (!this.holding) return;
    clearTimeout(this.giveUpTimer);
    this.epoch++;
    this.holding = false;
    this.view = { kind: 'none' };
    this.pausedUntil = performance.now() + this.ttlMs;
    await this.options.onLose(reason).catch((e: unknown) => this.options.onError(e));
    await Promise.race([
      RELEASE.run(this.options.client, [this.keys[0] ?? ''], [this.options.node]),
      after(this.ttlMs / 2),
    ]).catch((e: unknown) => this.options.onError(e));
  }

  private lose(reason: string): Promise<void> {
    clearTimeout(this.giveUpTimer);
    this.epoch++;
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
    if (!Array.isArray(reply)) throw new Error('unexpected lease reply');
    const [kind, ...rest] = reply.map(String);
    if (kind === 'mine') {
      const token = Number(rest[0]);
      if (!Number.isSafeInteger(token) || token < 1) {
        throw new Error(`the BIND lease in Redis carries an invalid token (${rest[0]})`);
      }
      const sig = this.sign(this.options.node, this.options.url, token);
      // Signed by this instance, or not yet (taken just now): anything else was altered in
      // Redis (e.g. its token raised to push the database's fence out of reach), not followed.
      if (rest[1] !== sig && rest[1] !== '') {
        throw new Error('the BIND lease in Redis was altered: its signature does not match it');
      }
      if (rest[1] === '') {
        await SIGN.run(
          this.options.client,
          [this.keys[0] ?? ''],
          [this.options.node, String(token), sig],
        );
      }
      return { kind: 'mine', token };
    }
    const [holder, url, token, sig] = rest;
    return await this.verified({ holder, url, token: Number(token), sig });
  }

  private async read(): Promise<LeaseView> {
    const raw = await this.options.client.sendCommand(['GET', this.keys[0] ?? '']);
    if (typeof raw !== 'string') return { kind: 'none' };
    let lease: unknown;
    try {
      lease = JSON.parse(raw);
    } catch {
      lease = null;
    }
    const l = (typeof lease === 'object' && lease !== null ? lease : {}) as Record<string, unknown>;
    // Its own lease, seen while it sits out a period (its release did not reach Redis): it
    // expires by itself; forwarding writes to itself would only bounce them.
    if (l.holder === this.options.node) return { kind: 'none' };
    return await this.verified({
      holder: typeof l.holder === 'string' ? l.holder : undefined,
      url: typeof l.url === 'string' ? l.url : undefined,
      token: typeof l.token === 'number' ? l.token : NaN,
      sig: typeof l.sig === 'string' ? l.sig : undefined,
    });
  }

  private sign(holder: string, url: string, token: number): string {
    return createHmac('sha256', this.key).update(`${holder}|${url}|${token}`).digest('hex');
  }

  /**
   * Another instance's lease, if its signature over `holder|url|token` verifies and its token is
   * not below the database's fence (an old lease replayed into Redis); else no lease, reported.
   * A lease not signed yet (taken a moment ago, its signature follows) is no lease, silently.
   */
  private async verified(l: {
    holder: string | undefined;
    url: string | undefined;
    token: number;
    sig: string | undefined;
  }): Promise<LeaseView> {
    const { holder, url, token, sig } = l;
    if (sig === '') return { kind: 'none' };
    if (
      holder !== undefined &&
      url !== undefined &&
      sig !== undefined &&
      Number.isSafeInteger(token)
    ) {
      const expected = Buffer.from(this.sign(holder, url, token));
      const given = Buffer.from(sig);
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        const fence = (await this.options.fenceToken?.()) ?? 0;
        if (token >= fence) return { kind: 'other', holder, url, token };
        this.options.onError(
          new Error(
            `the BIND lease in Redis (token ${token}) is older than the database's fence ` +
              `(${fence}): a stale lease, not followed; DNS writes are not forwarded`,
          ),
        );
        return { kind: 'none' };
      }
    }
    this.options.onError(
      new Error(
        "the BIND lease in Redis is not signed with this deployment's secret (HDNS_JWT_SECRET " +
          'differs between instances, or the key was written by something else): DNS writes ' +
          'are not forwarded',
      ),
    );
    return { kind: 'none' };
  }
}
