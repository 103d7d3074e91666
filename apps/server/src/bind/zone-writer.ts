import { mkdir, readFile, rm } from 'node:fs/promises';
import { AppError } from '../http/app-error.js';
import type { ForwarderSpec, RecordSpec, RpzRuleSpec, ZoneSpec } from './bind-types.js';
import type { BindLayout } from './bind-layout.js';
import { tidyCheckMessage, type BindTools } from './bind-tools.js';
import { KeyedMutex } from './keyed-mutex.js';
import { RPZ_ZONE_NAME, renderRpzZone } from './rpz-zone-serializer.js';
import { nextSerial } from './serial.js';
import { StagedFile } from './staged-file.js';
import { confirmLoadedSerial, reloadZoneFile } from './zone-reload.js';
import { renderZoneFile, serialOfRenderedZone } from './zone-file-serializer.js';
import { invalidRecord, normalizeZoneName } from './zone-text.js';

/**
 * The one safe write path to BIND. For a zone:
 *   render → `<file>.tmp` → named-checkzone → (reject: delete tmp, throw ZONE_CHECK_FAILED with
 *   the checker's words; nothing served or stored changes) → keep `<file>.prev` → atomic rename
 *   → `rndc reload ZONE` → poll `rndc zonestatus` until the loaded serial is the new one
 *   (else roll the file back and throw BIND_RELOAD_FAILED).
 * When the set of zones or the forwarders change, named.conf goes the same way (tmp →
 * named-checkconf → .prev → rename) followed by `rndc reconfig`.
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

  constructor(private readonly opts: ZoneWriterOptions) {
    this.rpzZone = opts.rpzZone === null ? null : normalizeZoneName(opts.rpzZone ?? RPZ_ZONE_NAME);
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
    await mkdir(this.opts.layout.zonesDir, { recursive: true });
    await mkdir(this.opts.layout.logsDir, { recursive: true });
    const skipped: BootstrapResult['skipped'] = [];
    const zones = new Map<string, ZoneSpec>();
    for (const { zone, records } of input.zones) {
      const name = this.zoneName(zone.name);
      try {
        if (zone.type === 'primary') await this.writeChecked(name, renderZoneFile(zone, records));
        zones.set(name, { ...zone, name });
      } catch (err) {
        skipped.push({ zone: name, message: err instanceof Error ? describe(err) : String(err) });
      }
    }
    if (this.rpzZone !== null) await this.writeRpzFile(input.rpzRules ?? []);
    await this.writeConf({ zones: [...zones.values()], forwarders: [...input.forwarders] });
    this.zones = zones;
    this.forwarders = [...input.forwarders];
    if (reload) await this.opts.tools.rndc(['reload']);
    return { skipped };
  }

  /** Creates or replaces a zone (primary: file and data; forward: configuration only). */
  async putZone(zone: ZoneSpec, records: readonly RecordSpec[] = []): Promise<ZoneWriteResult> {
    const name = this.zoneName(zone.name);
    const spec: ZoneSpec = { ...zone, name };
    return this.mutex.run(name, async () => {
      const before = this.zones.get(name);
      const confChange = before === undefined || confPart(before) !== confPart(spec);
      const file = spec.type === 'primary' ? new StagedFile(this.opts.layout.zoneFile(name)) : null;
      // The serial is the only proof of a reload, so it must move (an equal one would
      // "confirm" before BIND has loaded the new data).
      if (file && before?.type === 'primary' && spec.serial <= before.serial) {
        throw invalidRecord(`serial must be greater than ${before.serial}; use nextSerialFor()`, {
          zone: name,
          serial: spec.serial,
        });
      }
      const flight = `${name} ${spec.serial}`;
      this.inflight.add(flight);
      try {
        return await this.putZoneLocked(name, spec, records, before, confChange, file);
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
    file: StagedFile | null,
  ): Promise<ZoneWriteResult> {
    {
      if (file) {
        const text = renderZoneFile(spec, records);
        await this.stageChecked(name, file, text);
        await file.commit();
      }
      if (confChange) {
        try {
          await this.mutex.run(CONF_KEY, () => this.applyConf(this.withZone(spec)));
        } catch (err) {
          await file?.rollback();
          throw err;
        }
      } else {
        await this.reloadZone(name);
      }
      if (file) {
        try {
          await this.confirmSerial(name, spec.serial);
        } catch (err) {
          // Put disk (and named.conf) back to what BIND still serves.
          await file.rollback();
          if (confChange) {
            await this.mutex
              .run(CONF_KEY, () => this.applyConf(this.withoutZone(name, before)))
              .catch(() => undefined);
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
  }

  /** Removes a zone from named.conf (reconfig), then its files. False when it was not there. */
  async deleteZone(zoneName: string): Promise<boolean> {
    const name = this.zoneName(zoneName);
    return this.mutex.run(name, async () => {
      const before = this.zones.get(name);
      if (!before) return false;
      await this.mutex.run(CONF_KEY, () => this.applyConf(this.withoutZone(name)));
      this.applied.delete(name);
      if (before.type === 'primary') {
        const file = this.opts.layout.zoneFile(name);
        await Promise.all([file, `${file}.prev`, `${file}.tmp`].map((f) => rm(f, { force: true })));
      }
      return true;
    });
  }

  /** Replaces the global forwarders (named.conf + reconfig). */
  async setForwarders(forwarders: readonly ForwarderSpec[]): Promise<void> {
    return this.mutex.run(CONF_KEY, () =>
      this.applyConf({ zones: this.state().zones, forwarders: [...forwarders] }),
    );
  }

  /** Rewrites the RPZ zone from the full rule list, reloads it and confirms the new serial. */
  async putRpz(rules: readonly RpzRuleSpec[]): Promise<{ serial: number }> {
    const rpz = this.rpzZone;
    if (rpz === null) throw new Error('RPZ is disabled');
    return this.mutex.run(rpz, async () => {
      const { file, serial } = await this.writeRpzFile(rules);
      const flight = `${rpz} ${serial}`;
      this.inflight.add(flight);
      try {
        await this.reloadZone(rpz);
        await this.confirmSerial(rpz, serial);
      } catch (err) {
        await file.rollback();
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

  private async stageChecked(zone: string, file: StagedFile, text: string): Promise<void> {
    await file.stage(text);
    const check = await this.opts.tools.checkZone(zone, file.tmp);
    if (!check.ok) {
      await file.discard();
      const message = tidyCheckMessage(check.message, file.tmp, file.file);
      throw new AppError('ZONE_CHECK_FAILED', { zone, message });
    }
  }

  private async writeChecked(zone: string, text: string): Promise<StagedFile> {
    const file = new StagedFile(this.opts.layout.zoneFile(zone));
    await this.stageChecked(zone, file, text);
    await file.commit();
    return file;
  }

  private async writeRpzFile(
    rules: readonly RpzRuleSpec[],
  ): Promise<{ file: StagedFile; serial: number }> {
    const rpz = this.rpzZone ?? RPZ_ZONE_NAME;
    const path = this.opts.layout.zoneFile(rpz);
    const current = await readFile(path, 'utf8').then(serialOfRenderedZone, () => null);
    const serial = nextSerial(current);
    const file = await this.writeChecked(rpz, renderRpzZone(rules, { serial, zoneName: rpz }));
    return { file, serial };
  }

  private async writeConf(state: BindConfigState): Promise<StagedFile> {
    const file = new StagedFile(this.opts.layout.namedConf);
    await file.stage(this.opts.renderConfig(state));
    const check = await this.opts.tools.checkConf(file.tmp);
    if (!check.ok) {
      await file.discard();
      const message = tidyCheckMessage(check.message, file.tmp, file.file);
      throw new AppError('ZONE_CHECK_FAILED', { file: 'named.conf', message });
    }
    await file.commit();
    return file;
  }

  /** named.conf for `state` → reconfig; on a failed reconfig the previous file is restored. */
  private async applyConf(state: BindConfigState): Promise<void> {
    const file = await this.writeConf(state);
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
