import path from 'node:path';
import { AppError } from '../http/app-error.js';
import type { ForwarderSpec, RecordSpec, RpzRuleSpec, ZoneSpec } from './bind-types.js';
import type { BindLayout } from './bind-layout.js';
import type { BindTools } from './bind-tools.js';
import { KeyedMutex } from './keyed-mutex.js';
import { RPZ_ZONE_NAME } from './rpz-zone-serializer.js';
import { nextSerial } from './serial.js';
import { ZoneFiles } from './zone-files.js';
import { confirmLoadedSerial, reloadZoneFile } from './zone-reload.js';
import { renderZoneFile } from './zone-file-serializer.js';
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
 * file too (best effort), in case it loaded the new one after the confirmation gave up.
 *
 * Start-up (`bootstrap`) writes every file from the caller's state (the database: the truth),
 * removes zone files of zones that state lacks and clears leftover staged/backup files, so a
 * crash between "BIND applied" and "database stored" heals on the next start.
 *
 * Writes are serialized per zone, and every named.conf change under one more key, with a
 * promise-chain mutex, so concurrent changes never interleave. The writer remembers what BIND
 * was configured with (`state()`), seeded by `bootstrap()` at start.
 *
 * Callers pass the serial in ZoneSpec (from `nextSerial()`, stored with the zone); it must grow
 * with every change, since the serial is how a reload is confirmed. The RPZ zone's serial is
 * managed here (read back from its file), so rules need no serial bookkeeping.
 */

export interface BindConfigState {
  zones: ZoneSpec[];
  forwarders: ForwarderSpec[];
}

export interface ZoneWriterOptions {
  tools: BindTools;
  layout: BindLayout;
  /** Renders the complete named.conf (managed mode: renderNamedConf with ports and key bound). */
  renderConfig: (state: BindConfigState) => string;
  /** Default `rpz.local`; null when RPZ is not used. */
  rpzZone?: string | null;
  /** How long to wait for BIND to load a new serial; default 3000 ms. */
  confirmTimeoutMs?: number;
  pollIntervalMs?: number;
}

export interface ZoneWriteResult {
  zone: string;
  /** The serial BIND confirmed (primary zones); null for forward zones. */
  serial: number | null;
  /** `reload` for a changed zone file, `reconfig` when named.conf changed. */
  applied: 'reload' | 'reconfig';
}

export interface BootstrapInput {
  zones: { zone: ZoneSpec; records: readonly RecordSpec[] }[];
  forwarders: readonly ForwarderSpec[];
  rpzRules?: readonly RpzRuleSpec[];
}

export interface BootstrapResult {
  /** Zones left out of named.conf because their data failed the check (BIND starts anyway). */
  skipped: { zone: string; message: string }[];
}

const CONF_KEY = '\u0000named.conf';

export class ZoneWriter {
  private readonly mutex = new KeyedMutex();
  private readonly rpzZone: string | null;
  private readonly confirmTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private zones = new Map<string, ZoneSpec>();
  private forwarders: ForwarderSpec[] = [];
  private readonly applied = new Map<string, number>();
  /** Serials being written right now: BIND may serve them before the write confirms them. */
  private readonly inflight = new Set<string>();
  private reconfiguredAt: number | null = null;
  private readonly files: ZoneFiles;

  constructor(private readonly opts: ZoneWriterOptions) {
    this.rpzZone = opts.rpzZone === null ? null : normalizeZoneName(opts.rpzZone ?? RPZ_ZONE_NAME);
    this.files = new ZoneFiles(opts.tools, opts.layout, this.rpzZone ?? RPZ_ZONE_NAME);
    this.confirmTimeoutMs = opts.confirmTimeoutMs ?? 3000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 100;
  }

  /** What named.conf currently configures (zones sorted by name). */
  state(): BindConfigState {
    const zones = [...this.zones.values()].sort((a, b) => a.name.localeCompare(b.name));
    return { zones, forwarders: [...this.forwarders] };
  }

  /** The last serial this writer confirmed for a zone (for telling own reloads from others'). */
  appliedSerial(zone: string): number | undefined {
    return this.applied.get(normalizeZoneName(zone));
  }

  /**
   * True when `serial` of `zone` comes from this writer: confirmed, or being written (a watcher
   * may see BIND serve it before the write has confirmed it).
   */
  ownsSerial(zone: string, serial: number | null): boolean {
    const name = normalizeZoneName(zone);
    return (
      serial !== null &&
      (this.applied.get(name) === serial || this.inflight.has(`${name} ${serial}`))
    );
  }

  /** The serial to give the next version of a zone (strictly above the current one). */
  nextSerialFor(zone: string): number {
    return nextSerial(this.zones.get(normalizeZoneName(zone))?.serial);
  }

  /** When this writer last ran `rndc reconfig` (epoch ms), or null. */
  get lastReconfigAt(): number | null {
    return this.reconfiguredAt;
  }

  /**
   * Writes every file without talking to BIND (named is not running yet), or with `reload`
   * followed by `rndc reload` (system mode, named already up). A zone whose data fails the check
   * is skipped and reported rather than blocking the whole server.
   */
  async bootstrap(input: BootstrapInput, reload = false): Promise<BootstrapResult> {
    const { layout } = this.opts;
    // Leftovers of a process that died mid-write: nothing in them is the truth.
    await this.files.prepareDirs();
    const skipped: BootstrapResult['skipped'] = [];
    const zones = new Map<string, ZoneSpec>();
    const keep = new Set<string>();
    for (const { zone, records } of input.zones) {
      try {
        const name = this.zoneName(zone.name);
        if (zone.type === 'primary') {
          // Kept even when the check fails below: the zone is the database's, its file the
          // operator's best clue.
          keep.add(path.basename(layout.zoneFile(name)));
          await this.files.keepOrWriteZone(name, renderZoneFile(zone, records));
        }
        zones.set(name, { ...zone, name });
      } catch (err) {
        const message = err instanceof Error ? describe(err) : String(err);
        skipped.push({ zone: zone.name, message });
      }
    }
    if (this.rpzZone !== null) {
      await this.files.writeRpz(input.rpzRules ?? [], 'start');
      keep.add(path.basename(layout.zoneFile(this.rpzZone)));
    }
    const state = { zones: [...zones.values()], forwarders: [...input.forwarders] };
    await this.files.keepOrWriteConf(this.opts.renderConfig(state));
    this.zones = zones;
    this.forwarders = [...input.forwarders];
    await this.files.removeZoneFilesExcept(keep);
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
    return this.mutex.run(name, async () => {
      const before = this.zones.get(name);
      const confChange = before === undefined || confPart(before) !== confPart(spec);
      const primary = spec.type === 'primary';
      // The serial is the only proof of a reload, so it must move (an equal one would
      // "confirm" before BIND has loaded the new data).
      if (primary && !opts.restore && before?.type === 'primary' && spec.serial <= before.serial) {
        throw invalidRecord(`serial must be greater than ${before.serial}; use nextSerialFor()`, {
          zone: name,
          serial: spec.serial,
        });
      }
      const flight = `${name} ${spec.serial}`;
      this.inflight.add(flight);
      try {
        return await this.putZoneLocked(
          name,
          spec,
          records,
          before,
          confChange,
          primary,
          opts.restore === true,
        );
      } finally {
        this.inflight.delete(flight);
      }
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
    try {
      if (confChange) {
        await this.mutex.run(CONF_KEY, () => this.applyConf(this.withZone(spec)));
      } else if (file) {
        await this.reloadZone(name);
      }
    } catch (err) {
      // rndc failed or timed out (named stopped, hung, gone): named.conf is already restored
      // by applyConf; restore the zone file before anyone (a restart) can load it.
      await undo?.rollback();
      throw err;
    }
    if (file) {
      try {
        await this.confirmSerial(name, spec.serial);
      } catch (err) {
        if (undo) {
          // Put disk (and named.conf) back to what BIND served before, then let named load it.
          await undo.rollback();
          if (confChange) {
            await this.mutex
              .run(CONF_KEY, () => this.applyConf(this.withoutZone(name, before)))
              .catch(() => undefined);
          } else {
            await this.reloadZone(name).catch(() => undefined);
          }
        }
        throw err;
      }
    }
    this.zones.set(name, spec);
    return {
      zone: name,
      serial: file ? spec.serial : null,
      applied: confChange ? 'reconfig' : 'reload',
    };
  }

  /** Removes a zone from named.conf (reconfig), then its files. False when it was not there. */
  async deleteZone(zoneName: string): Promise<boolean> {
    const name = this.zoneName(zoneName);
    return this.mutex.run(name, async () => {
      const before = this.zones.get(name);
      if (!before) return false;
      await this.mutex.run(CONF_KEY, () => this.applyConf(this.withoutZone(name)));
      this.applied.delete(name);
      if (before.type === 'primary') await this.files.retireZone(name);
      return true;
    });
  }

  /** Replaces the global forwarders (named.conf + reconfig). */
  async setForwarders(forwarders: readonly ForwarderSpec[]): Promise<void> {
    return this.mutex.run(CONF_KEY, () =>
      this.applyConf({ zones: this.state().zones, forwarders: [...forwarders] }),
    );
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
    return this.mutex.run(rpz, async () => {
      const { file, serial } = await this.files.writeRpz(rules, opts.restore ? 'restore' : 'next');
      const flight = `${rpz} ${serial}`;
      this.inflight.add(flight);
      let reloaded = false;
      try {
        await this.reloadZone(rpz);
        reloaded = true;
        await this.confirmSerial(rpz, serial);
      } catch (err) {
        // Same contract as zones: the rules on disk are the old ones again before the throw.
        if (!opts.restore) {
          await file.rollback();
          if (reloaded) await this.reloadZone(rpz).catch(() => undefined);
        }
        throw err;
      } finally {
        this.inflight.delete(flight);
      }
      return { serial };
    });
  }

  // -- internals -------------------------------------------------------------------------

  private zoneName(raw: string): string {
    const name = normalizeZoneName(raw);
    if (name === this.rpzZone) throw invalidRecord(`zone name ${name} is reserved for RPZ`);
    return name;
  }

  private withZone(spec: ZoneSpec): BindConfigState {
    return this.withoutZone(spec.name, spec);
  }

  /** The current state without zone `name`, or with `replacement` in its place. */
  private withoutZone(name: string, replacement?: ZoneSpec): BindConfigState {
    const zones = this.state().zones.filter((z) => z.name !== name);
    if (replacement) zones.push(replacement);
    return { zones, forwarders: this.forwarders };
  }

  /** named.conf for `state` → reconfig; on a failed reconfig the previous file is restored. */
  private async applyConf(state: BindConfigState): Promise<void> {
    const file = await this.files.writeConf(this.opts.renderConfig(state));
    try {
      await this.opts.tools.reconfig();
    } catch (err) {
      await file.rollback();
      throw err;
    }
    this.reconfiguredAt = Date.now();
    // Updated under the named.conf lock, so the next config change starts from this one.
    this.zones = new Map(state.zones.map((z) => [z.name, z]));
    this.forwarders = [...state.forwarders];
  }

  private reloadZone(zone: string): Promise<void> {
    return reloadZoneFile(this.opts.tools, zone, this.opts.layout.zoneFile(zone));
  }

  private async confirmSerial(zone: string, serial: number): Promise<void> {
    await confirmLoadedSerial(this.opts.tools, zone, serial, {
      timeoutMs: this.confirmTimeoutMs,
      pollIntervalMs: this.pollIntervalMs,
      logFile: this.opts.layout.namedLog,
    });
    this.applied.set(zone, serial);
  }
}

/** The parts of a zone that live in named.conf (a change there needs a reconfig). */
function confPart(z: ZoneSpec): string {
  return JSON.stringify([z.type, z.forwarders ?? [], z.forwardPolicy ?? null]);
}

function describe(err: Error): string {
  if (err instanceof AppError) {
    const message = (err.details as { message?: unknown } | undefined)?.message;
    return typeof message === 'string' ? message : err.message;
  }
  return err.message;
}
