import type { DnsServerSettings } from '@hdns/protocol/rest';
import type { ForwarderSpec, ReplicationSpec, ZoneSpec } from '../dns/dns-specs.js';
import type { BindTools } from './bind-tools.js';
import type { PolicyZoneNames } from './named-config.js';
import type { ZoneFiles } from './zone-files.js';

export interface BindConfigState {
  zones: ZoneSpec[];
  forwarders: ForwarderSpec[];
  /** How named serves the network; absent: the defaults (dns-settings-store.ts). */
  server?: DnsServerSettings;
  /** TSIG keys, secondaries, catalog zone; absent: none. */
  replication?: ReplicationSpec;
  /** The allowlist and feed policy zones (named-config.ts); absent: the manual zone alone. */
  policy?: PolicyZoneNames;
}

/**
 * What named.conf configures (zones and global forwarders) and the one way it changes: render →
 * staged, checked file → backup → rename → `rndc reconfig`. Part of the ZoneWriter, which calls
 * every method that changes named.conf under its named.conf lock.
 *
 * Undo contract: a change (`apply(state, true)`) whose reconfig fails is rolled back, so the
 * file on disk stays the version the caller's database holds. An undo or a restore
 * (`apply(state, false)`: `state` IS what the database holds) is never rolled back: should
 * named not answer (hung, stopped), the file stays, and the supervisor's next start loads it.
 * Rolling an undo back would put the very change the database refused on disk.
 */
export class NamedConfWriter {
  private zones = new Map<string, ZoneSpec>();
  private forwarders: ForwarderSpec[] = [];
  private server: DnsServerSettings | undefined;
  private replication: ReplicationSpec | undefined;
  private policy: PolicyZoneNames | undefined;
  private reconfiguredAt: number | null = null;

  constructor(
    private readonly files: ZoneFiles,
    private readonly tools: BindTools,
    private readonly render: (state: BindConfigState) => string,
  ) {}

  /** What named.conf currently configures (zones sorted by name). */
  state(): BindConfigState {
    const zones = [...this.zones.values()].sort((a, b) => a.name.localeCompare(b.name));
    return { zones, forwarders: [...this.forwarders], ...this.serverPart() };
  }

  private serverPart(): Pick<BindConfigState, 'server' | 'replication' | 'policy'> {
    return {
      ...(this.server ? { server: this.server } : {}),
      ...(this.replication ? { replication: this.replication } : {}),
      ...(this.policy ? { policy: this.policy } : {}),
    };
  }

  zone(name: string): ZoneSpec | undefined {
    return this.zones.get(name);
  }

  /** Records a zone version whose named.conf part did not change (a zone file reload). */
  updateZone(spec: ZoneSpec): void {
    this.zones.set(spec.name, spec);
  }

  /** When named.conf was last applied with `rndc reconfig` (epoch ms), or null. */
  get lastReconfigAt(): number | null {
    return this.reconfiguredAt;
  }

  /** The current state with zone `name` left out, or with `replacement` in its place. */
  without(name: string, replacement?: ZoneSpec): BindConfigState {
    const zones = this.state().zones.filter((z) => z.name !== name);
    if (replacement) zones.push(replacement);
    return { zones, forwarders: [...this.forwarders], ...this.serverPart() };
  }

  /** The current state with other forwarders. */
  withForwarders(forwarders: readonly ForwarderSpec[]): BindConfigState {
    return { ...this.state(), forwarders: [...forwarders] };
  }

  /** The current state with other network settings. */
  withServer(server: DnsServerSettings): BindConfigState {
    return { ...this.state(), server };
  }

  /** The current state with other keys, secondaries or catalog zone. */
  withReplication(replication: ReplicationSpec): BindConfigState {
    return { ...this.state(), replication };
  }

  /** The current state with other allowlist and feed policy zones. */
  withPolicy(policy: PolicyZoneNames): BindConfigState {
    return { ...this.state(), policy };
  }

  /** At start: named.conf for `state`, written (or kept when it already holds it), no reconfig. */
  async bootstrap(state: BindConfigState): Promise<void> {
    await this.files.keepOrWriteConf(this.render(state));
    this.remember(state);
  }

  /**
   * named.conf for `state` → reconfig. `rollback` (a change): on a failed reconfig the previous
   * file is restored. Without it (an undo or a restore) the new file stays and is remembered
   * as configured, even though the reconfig's error is still thrown.
   */
  async apply(state: BindConfigState, rollback: boolean): Promise<void> {
    const file = await this.files.writeConf(this.render(state));
    try {
      await this.tools.reconfig();
    } catch (err) {
      if (rollback) {
        await file.rollback();
      } else {
        this.remember(state);
      }
      throw err;
    }
    this.reconfiguredAt = Date.now();
    this.remember(state);
  }

  private remember(state: BindConfigState): void {
    this.zones = new Map(state.zones.map((z) => [z.name, z]));
    this.forwarders = [...state.forwarders];
    this.server = state.server;
    this.replication = state.replication;
    this.policy = state.policy;
  }
}
