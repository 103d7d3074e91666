import type { DnsServerSettings } from '@hdns/protocol/rest';
import type {
  FeedZoneSpec,
  ForwarderSpec,
  RecordSpec,
  ReplicationSpec,
  RpzRuleSpec,
  ZoneSpec,
} from '../dns/dns-specs.js';
import { CatalogFile } from './catalog-file.js';
import type { BindLayout } from './bind-layout.js';
import type { BindTools, CheckNames } from './bind-tools.js';
import { KeyedMutex } from '../lib/keyed-mutex.js';
import { ensureKeyDirectory, removeSigningState } from './dnssec-files.js';
import { NamedConfWriter, type BindConfigState } from './named-conf-writer.js';
import { RPZ_ZONE_NAME } from './rpz-zone-serializer.js';
import { PolicyZones } from './policy-zones.js';
import { ZoneFiles } from './zone-files.js';
import { ZoneLoads } from './zone-loads.js';
import { renderZoneFile } from './zone-file-serializer.js';
import {
  writeZoneFilesFrom,
  zoneNamesOf,
  type BootstrapInput,
  type BootstrapResult,
} from './zone-bootstrap.js';
import { invalidRecord, normalizeZoneName } from './zone-text.js';

/**
 * The one safe write path to BIND. For a zone:
 *   render → staged file → named-checkzone → (reject: delete it, throw ZONE_CHECK_FAILED with
 *   the checker's words; nothing served or stored changes) → keep a backup → atomic rename
 *   → `rndc reload ZONE` → poll `rndc zonestatus` until the loaded serial is the new one.
 * When the set of zones or the forwarders change, named.conf goes the same way (staged →
 * named-checkconf → backup → rename) followed by `rndc reconfig`.
 *
 * Failure contract: when rndc fails or times out (BIND_UNAVAILABLE, BIND_RELOAD_FAILED) or the
 * serial never shows up, every file is rolled back BEFORE the error is thrown, so whatever
 * named loads next (a supervisor restart after named was stopped or killed) is the version the
 * caller's database still holds. When named did answer, it is asked to reload the restored
 * file too (best effort), in case it loaded the new one after the confirmation gave up. An undo
 * or a restore is never itself rolled back (named-conf-writer.ts).
 *
 * Start-up (`bootstrap`) writes every file from the caller's state (the database: the truth),
 * removes zone files of zones that state lacks and clears leftover staged/backup files, so a
 * crash between "BIND applied" and "database stored" heals on the next start. The supervisor
 * runs it again before every restart of named; it holds every zone's lock and named.conf's, so
 * a write in flight finishes (or fails and rolls back) before the files are re-rendered.
 *
 * Writes are serialized per zone with the per-zone locks (`zoneLocks`: in the server the DNS
 * services' own, which they already hold while they write, so there is one lock per zone), and
 * every named.conf change under one more lock of the writer's, so concurrent changes never
 * interleave. The writer remembers what BIND was configured with (`state()`), seeded by
 * `bootstrap()` at start.
 *
 * Callers pass the serial in ZoneSpec (the DNS services compute it with `nextSerial()` and store
 * it with the zone); it must grow with every change, since the serial is how a reload is
 * confirmed. The RPZ zone's serial is managed here (read back from its file), as the rules have
 * no zone row to keep one in.
 */

export type { BindConfigState } from './named-conf-writer.js';

export interface ZoneWriterOptions {
  tools: BindTools;
  layout: BindLayout;
  /** Renders the complete named.conf (managed mode: renderNamedConf with ports and key bound). */
  renderConfig: (state: BindConfigState) => string;
  /** Default `rpz.local`; null when RPZ is not used. */
  rpzZone?: string | null;
  /** Serve the allowlist and feed policy zones (managed mode: its named.conf lists them). */
  policyZones?: boolean;
  /**
   * named-checkzone's check-names for our zones: `fail` (default) is named's own default for a
   * primary zone, which the managed named.conf keeps; system mode passes `warn`, since the
   * operator's named.conf may relax it and zones that named serves must not be refused here.
   */
  checkNames?: CheckNames;
  /** How long to wait for BIND to load a new serial; default 3000 ms. */
  confirmTimeoutMs?: number;
  pollIntervalMs?: number;
  /** Told when the catalog zone could not be brought up to date (retried at the next change). */
  onCatalogError?: (err: unknown) => void;
  /**
   * The per-zone locks (re-entrant) its callers hold while they write a zone; the writer takes
   * them too, so direct calls are serialized as well. Default: a registry of its own.
   */
  zoneLocks?: KeyedMutex;
}

export interface ZoneWriteResult {
  zone: string;
  /** The serial BIND confirmed (primary zones); null for forward zones. */
  serial: number | null;
  /** `reload` for a changed zone file, `reconfig` when named.conf changed. */
  applied: 'reload' | 'reconfig';
}

export type { BootstrapInput, BootstrapResult } from './zone-bootstrap.js';

const CONF_KEY = 'named.conf';
const CATALOG_KEY = 'catalog';

export class ZoneWriter {
  private readonly zoneLocks: KeyedMutex;
  /** named.conf is one file for every zone: its changes take this lock inside a zone's. */
  private readonly confLock = new KeyedMutex();
  private readonly rpzZone: string | null;
  private readonly conf: NamedConfWriter;
  private readonly loads: ZoneLoads;
  private readonly files: ZoneFiles;
  private readonly catalog: CatalogFile;
  private readonly policy: PolicyZones | null;

  constructor(private readonly opts: ZoneWriterOptions) {
    this.zoneLocks = opts.zoneLocks ?? new KeyedMutex();
    this.rpzZone = opts.rpzZone === null ? null : normalizeZoneName(opts.rpzZone ?? RPZ_ZONE_NAME);
    this.files = new ZoneFiles(
      opts.tools,
      opts.layout,
      this.rpzZone ?? RPZ_ZONE_NAME,
      opts.checkNames ?? 'fail',
    );
    this.conf = new NamedConfWriter(this.files, opts.tools, opts.renderConfig);
    this.loads = new ZoneLoads(opts.tools, opts.layout, {
      confirmTimeoutMs: opts.confirmTimeoutMs ?? 3000,
      pollIntervalMs: opts.pollIntervalMs ?? 100,
    });
    this.catalog = new CatalogFile(this.files, opts.layout, (zone) => this.loads.reload(zone));
    this.policy =
      opts.policyZones && this.rpzZone !== null
        ? new PolicyZones({
            tools: opts.tools,
            files: this.files,
            loads: this.loads,
            layout: opts.layout,
            conf: this.conf,
            zoneLocks: this.zoneLocks,
            confLock: (work) => this.confLock.run(CONF_KEY, work),
          })
        : null;
  }

  /** What named.conf currently configures (zones sorted by name). */
  state(): BindConfigState {
    return this.conf.state();
  }

  /** The last serial this writer confirmed for a zone (for telling own reloads from others'). */
  appliedSerial(zone: string): number | undefined {
    return this.loads.appliedSerial(zone);
  }

  /**
   * True when `serial` of `zone` comes from this writer: confirmed, or being written (a watcher
   * may see BIND serve it before the write has confirmed it).
   */
  ownsSerial(zone: string, serial: number | null): boolean {
    return this.loads.owns(zone, serial);
  }

  /** When this writer last ran `rndc reconfig` (epoch ms), or null. */
  get lastReconfigAt(): number | null {
    return this.conf.lastReconfigAt;
  }

  /**
   * Writes every file without talking to BIND (named is not running yet), or with `reload`
   * followed by `rndc reload` (system mode, named already up). A zone whose data fails the check
   * is skipped and reported rather than blocking the whole server.
   *
   * Runs holding every zone's lock (the ones configured and the ones in `input`), then
   * named.conf's: the order writes take them in, so the two never deadlock.
   */
  async bootstrap(input: BootstrapInput, reload = false): Promise<BootstrapResult> {
    const keys = [...this.conf.state().zones.map((z) => z.name), ...zoneNamesOf(input)];
    if (this.rpzZone !== null) keys.push(this.rpzZone);
    if (this.policy) keys.push(...this.policy.lockNames(input.policyZones));
    return this.zoneLocks.runAll(keys, () =>
      this.confLock.run(CONF_KEY, () => this.bootstrapLocked(input, reload)),
    );
  }

  private async bootstrapLocked(input: BootstrapInput, reload: boolean): Promise<BootstrapResult> {
    const { zones, skipped } = await writeZoneFilesFrom(input, {
      files: this.files,
      layout: this.opts.layout,
      rpzZone: this.rpzZone,
      zoneName: (raw) => this.zoneName(raw),
      keep: this.policy?.fileNames(input.policyZones) ?? [],
    });
    const policy = this.policy ? await this.policy.bootstrapFiles(input.policyZones) : undefined;
    // Zone files first: named.conf must not name a file that is not there yet.
    const state: BindConfigState = {
      zones,
      forwarders: [...input.forwarders],
      ...(input.server ? { server: input.server } : {}),
      ...(input.replication ? { replication: input.replication } : {}),
      ...(policy ? { policy } : {}),
    };
    this.catalog.invalidate();
    await this.confLock.run(CATALOG_KEY, () => this.catalog.sync(state, false));
    await this.conf.bootstrap(state);
    if (reload) await this.opts.tools.rndc(['reload']);
    return { skipped };
  }

  /**
   * Creates or replaces a zone (primary: file and data; forward: configuration only).
   * `restore`: put back an earlier version the caller's database still holds (undoing a change
   * it could not store); its serial may then be lower than the one served, which BIND accepts
   * for a primary zone (it logs "zone serial has gone backwards").
   */
  async putZone(
    zone: ZoneSpec,
    records: readonly RecordSpec[] = [],
    opts: { restore?: boolean } = {},
  ): Promise<ZoneWriteResult> {
    const name = this.zoneName(zone.name);
    const spec: ZoneSpec = { ...zone, name };
    return this.zoneLocks.run(name, async () => {
      const before = this.conf.zone(name);
      const confChange = before === undefined || confPart(before) !== confPart(spec);
      const primary = spec.type === 'primary';
      // The serial is the only proof of a reload, so it must move (an equal one would
      // "confirm" before BIND has loaded the new data).
      if (primary && !opts.restore && before?.type === 'primary' && spec.serial <= before.serial) {
        throw invalidRecord(`serial must be greater than ${before.serial}`, {
          zone: name,
          serial: spec.serial,
        });
      }
      return this.loads.track(name, spec.serial, () =>
        this.putZoneLocked(name, spec, records, before, confChange, primary, opts.restore === true),
      );
    });
  }

  private async putZoneLocked(
    name: string,
    spec: ZoneSpec,
    records: readonly RecordSpec[],
    before: ZoneSpec | undefined,
    confChange: boolean,
    primary: boolean,
    restore: boolean,
  ): Promise<ZoneWriteResult> {
    const text = primary ? renderZoneFile(spec, records) : null;
    const file =
      text === null
        ? null
        : await this.files.writeZone(name, text, restore ? spec.serial : undefined);
    // A restore writes the database's version: rolling that back would undo the truth.
    const undo = restore ? null : file;
    const unsigning = primary && !!before?.dnssecPolicy && !spec.dnssecPolicy;
    try {
      if (primary && spec.dnssecPolicy) await ensureKeyDirectory(this.opts.layout, name);
      // Signing turned off: the unsigned side's journal must go before named loads the zone
      // as a plain primary ("journal rollforward failed: journal out of sync"); the keys stay
      // until that worked, so a rollback signs with them again.
      if (unsigning) await removeSigningState(this.opts.layout, name, { keys: false });
      if (confChange) {
        await this.confLock.run(CONF_KEY, () =>
          this.conf.apply(this.conf.without(name, spec), !restore),
        );
      } else if (file) {
        await this.loads.reload(name);
      }
    } catch (err) {
      // rndc failed or timed out (named stopped, hung, gone): named.conf is already restored
      // by applyConf (unless this is a restore, which stays); restore the zone file before
      // anyone (a restart) can load it.
      await undo?.rollback();
      throw err;
    }
    if (file) {
      try {
        await this.loads.confirm(name, spec.serial);
      } catch (err) {
        if (undo) {
          // Put disk (and named.conf) back to what BIND served before, then let named load it.
          // The undo itself is never rolled back: should named not answer the reconfig (hung
          // after loading the new zone), the restored named.conf stays on disk, so a restart
          // cannot bring back a zone the caller's database lacks.
          await undo.rollback();
          if (confChange) {
            await this.confLock
              .run(CONF_KEY, () => this.conf.apply(this.conf.without(name, before), false))
              .catch(() => undefined);
            // The catalog follows named.conf: a zone that did not load is not listed.
            await this.syncCatalog();
          } else {
            await this.loads.reload(name).catch(() => undefined);
          }
        }
        throw err;
      }
    }
    this.conf.updateZone(spec);
    // Listed only once named serves it (a forward or secondary zone: once configured).
    if (confChange) await this.syncCatalog();
    // Signing turned off: named no longer uses the signed copy, journals or keys; left behind,
    // they would be stale should the zone be signed again.
    if (unsigning) {
      await removeSigningState(this.opts.layout, name, { keys: true });
    }
    return {
      zone: name,
      serial: file ? spec.serial : null,
      applied: confChange ? 'reconfig' : 'reload',
    };
  }

  /** Removes a zone from named.conf (reconfig), then its files. False when it was not there. */
  async deleteZone(zoneName: string): Promise<boolean> {
    const name = this.zoneName(zoneName);
    return this.zoneLocks.run(name, async () => {
      const before = this.conf.zone(name);
      if (!before) return false;
      await this.confLock.run(CONF_KEY, () => this.conf.apply(this.conf.without(name), true));
      await this.syncCatalog();
      this.loads.forget(name);
      // A secondary zone's file is named's copy of its primary's: it goes with the zone (its
      // journal, if any, with the next start's sweep of files no zone owns).
      if (before.type === 'secondary') await this.files.retireZone(name);
      if (before.type === 'primary') {
        await this.files.retireZone(name);
        await removeSigningState(this.opts.layout, name, { keys: true });
      }
      return true;
    });
  }

  /**
   * Replaces the global forwarders (named.conf + reconfig). `restore`: the list the caller's
   * database holds, after a change it could not store; its named.conf stays even when the
   * reconfig fails (see NamedConfWriter).
   */
  async setForwarders(
    forwarders: readonly ForwarderSpec[],
    opts: { restore?: boolean } = {},
  ): Promise<void> {
    return this.confLock.run(CONF_KEY, () =>
      this.conf.apply(this.conf.withForwarders(forwarders), opts.restore !== true),
    );
  }

  /** Replaces the network settings (named.conf + reconfig); `restore` as for setForwarders. */
  async setServerSettings(
    server: DnsServerSettings,
    opts: { restore?: boolean } = {},
  ): Promise<void> {
    return this.confLock.run(CONF_KEY, () =>
      this.conf.apply(this.conf.withServer(server), opts.restore !== true),
    );
  }

  /**
   * Replaces the TSIG keys, the secondaries and the catalog zone (named.conf + reconfig, then the
   * catalog's members); `restore` as for setForwarders.
   */
  async setReplication(
    replication: ReplicationSpec,
    opts: { restore?: boolean } = {},
  ): Promise<void> {
    await this.confLock.run(CONF_KEY, () =>
      this.conf.apply(this.conf.withReplication(replication), opts.restore !== true),
    );
    await this.syncCatalog();
  }

  /**
   * Brings the catalog zone to named.conf's primary zones. Never throws: the change that called
   * it is served already; a failure is reported and the next change (or start) tries again.
   */
  private async syncCatalog(): Promise<void> {
    await this.confLock
      .run(CATALOG_KEY, () => this.catalog.sync(this.conf.state(), true))
      .catch((err: unknown) => {
        this.catalog.invalidate();
        this.opts.onCatalogError?.(err);
      });
  }

  /**
   * Rewrites the RPZ zone from the full rule list, reloads it and confirms the new serial.
   * `restore`: these are the rules the caller's database holds, after a change it could not
   * store (see putZone); no rollback then, as the restored file is the truth.
   */
  async putRpz(
    rules: readonly RpzRuleSpec[],
    opts: { restore?: boolean } = {},
  ): Promise<{ serial: number }> {
    const rpz = this.rpzZone;
    if (rpz === null) throw new Error('RPZ is disabled');
    return this.zoneLocks.run(rpz, async () => {
      const { file, serial } = await this.files.writeRpz(rules, opts.restore ? 'restore' : 'next');
      let reloaded = false;
      try {
        await this.loads.track(rpz, serial, async () => {
          await this.loads.reload(rpz);
          reloaded = true;
          await this.loads.confirm(rpz, serial);
        });
      } catch (err) {
        // Same contract as zones: the rules on disk are the old ones again before the throw.
        if (!opts.restore) {
          await file.rollback();
          if (reloaded) await this.loads.reload(rpz).catch(() => undefined);
        }
        throw err;
      }
      return { serial };
    });
  }

  /** The allowlist zone from these names, reloaded and confirmed (see PolicyZones). */
  async putAllowlist(domains: readonly string[]): Promise<{ serial: number }> {
    if (!this.policy) throw new Error('policy zones are not served by this writer');
    return this.policy.putAllowlist(domains);
  }

  /** The feed zones in evaluation order (see PolicyZones). */
  async setFeedZones(feeds: readonly FeedZoneSpec[]): Promise<void> {
    if (!this.policy) throw new Error('policy zones are not served by this writer');
    await this.policy.setFeeds(feeds);
  }

  /** A feed zone's new file, reloaded and confirmed (see PolicyZones). */
  async reloadFeedZone(feed: FeedZoneSpec): Promise<{ serial: number }> {
    if (!this.policy) throw new Error('policy zones are not served by this writer');
    return this.policy.reloadFeed(feed);
  }

  // -- internals -------------------------------------------------------------------------

  private zoneName(raw: string): string {
    const name = normalizeZoneName(raw);
    if (name === this.rpzZone || this.policy?.reserves(name))
      throw invalidRecord(`zone name ${name} is reserved for RPZ`);
    return name;
  }
}

/** The parts of a zone that live in named.conf (a change there needs a reconfig). */
function confPart(z: ZoneSpec): string {
  return JSON.stringify([
    z.type,
    z.forwarders ?? [],
    z.forwardPolicy ?? null,
    z.dnssecPolicy ?? null,
    z.primaries ?? [],
    z.tsigKeyName ?? null,
  ]);
}
