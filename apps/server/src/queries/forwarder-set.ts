import { forwarderKey } from '../monitors/forwarder-key.js';
import type { UpstreamFacts } from './query-facts.js';

/**
 * The upstream servers that are forwarders: the global forwarders and every forward zone's,
 * re-read every `refreshMs`. dnstap's resolver messages also report root, TLD and other
 * authoritative servers a recursive named asks; only forwarders belong in the per-forwarder
 * figures, metrics and alerts (bounded label sets that the first addresses seen must not fill).
 * Keys are `forwarderKey`'s, as the statistics and metrics name forwarders.
 */
export class ForwarderSet {
  private keys = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly read: () => Promise<readonly string[]>,
    private readonly refreshMs = 30_000,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** `ip`, `ip#port` or `ip port` as stored → the key upstream facts are compared with. */
  static keyOf(entry: string): string {
    const m = /^(\S+?)(?:#(\d+)|\s+port\s+(\d+))?$/.exec(entry.trim());
    const ip = (m?.[1] ?? entry.trim()).toLowerCase();
    return forwarderKey({ address: ip, port: Number(m?.[2] ?? m?.[3] ?? 53) });
  }

  has(u: UpstreamFacts): boolean {
    return this.keys.has(forwarderKey({ address: u.address.toLowerCase(), port: u.port }));
  }

  /** Reads now and every `refreshMs` until the returned stop (idempotent). */
  start(): () => Promise<void> {
    const tick = async (): Promise<void> => {
      try {
        this.keys = new Set((await this.read()).map((e) => ForwarderSet.keyOf(e)));
      } catch (err) {
        this.onError(err);
      }
      if (!this.stopped) {
        this.timer = setTimeout(() => void tick(), this.refreshMs);
        this.timer.unref?.();
      }
    };
    void tick();
    return () => {
      this.stopped = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      return Promise.resolve();
    };
  }
}
