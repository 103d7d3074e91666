import { copyFile, link, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../http/app-error.js';
import type { BindTools } from './bind-tools.js';
import type { FeedZoneSpec, PolicyZonesSpec, RpzRuleSpec } from '../dns/dns-specs.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import type { BindLayout } from './bind-layout.js';
import type { NamedConfWriter } from './named-conf-writer.js';
import { MAX_POLICY_ZONES, type PolicyZoneNames } from './named-config.js';
import { ALLOWLIST_ZONE_NAME } from './rpz-zone-serializer.js';
import type { StagedFile } from './staged-file.js';
import type { ZoneFiles } from './zone-files.js';
import type { ZoneLoads } from './zone-loads.js';
import { invalidRecord, normalizeZoneName } from './zone-text.js';

/**
 * The policy zones around the manual one (rpz.local), for the ZoneWriter of a managed named:
 * the allowlist (rendered from its names, `rpz-passthru`, evaluated first so it wins over every
 * feed) and one zone per blocklist feed (its file compiled by the feeds module, installed here by
 * a hard link, evaluated after the manual zone in the feeds' order).
 *
 * A feed's refresh touches its own zone only: install → `rndc reload <zone>` → serial confirmed,
 * rolled back to the previous file when named does not load it. Only a change of the set of
 * feed zones (or their order) rewrites named.conf (`rndc reconfig`); the manual zone and the
 * other feeds are never re-rendered.
 */

export interface PolicyZonesDeps {
  tools: BindTools;
  files: ZoneFiles;
  loads: ZoneLoads;
  layout: BindLayout;
  conf: NamedConfWriter;
  zoneLocks: KeyedMutex;
  /** Runs `work` under the writer's named.conf lock. */
  confLock: <T>(work: () => Promise<T>) => Promise<T>;
}

/** How long named may take to load a feed zone (a million names: seconds). */
export const FEED_LOAD_TIMEOUT_MS = 180_000;

/** Zone names the feeds module gives its zones (feeds/feed-zone-name.ts): reserved for it. */
const FEED_ZONE = /^rpz-feed-[a-z0-9-]+\.local$/;

export class PolicyZones {
  constructor(private readonly deps: PolicyZonesDeps) {}

  /** True for the allowlist's and the feeds' zone names, which no user zone may take. */
  reserves(name: string): boolean {
    return name === ALLOWLIST_ZONE_NAME || FEED_ZONE.test(name);
  }

  lockNames(spec: PolicyZonesSpec | undefined): string[] {
    return [ALLOWLIST_ZONE_NAME, ...(spec?.feeds ?? []).map((f) => normalizeZoneName(f.name))];
  }

  /** Base names of the files the start-up sweep must keep. */
  fileNames(spec: PolicyZonesSpec | undefined): string[] {
    return this.lockNames(spec).map((n) => path.basename(this.deps.layout.zoneFile(n)));
  }

  /**
   * At start (named not running): the allowlist's file from its names, each feed's installed
   * from its compiled file. A feed whose compiled file is missing is left out of named.conf
   * until its next good refresh. Returns what named.conf lists.
   */
  async bootstrapFiles(spec: PolicyZonesSpec | undefined): Promise<PolicyZoneNames> {
    await this.deps.files.writePolicyZone(
      ALLOWLIST_ZONE_NAME,
      allowRules(spec?.allowlist ?? []),
      'start',
    );
    const feedZones: string[] = [];
    for (const feed of spec?.feeds ?? []) {
      if (await this.install(feed).then(Boolean, () => false)) feedZones.push(feed.name);
    }
    return { allowlistZone: ALLOWLIST_ZONE_NAME, feedZones: checkCount(feedZones) };
  }

  async putAllowlist(domains: readonly string[]): Promise<{ serial: number }> {
    const zone = ALLOWLIST_ZONE_NAME;
    return this.deps.zoneLocks.run(zone, async () => {
      const { file, serial } = await this.deps.files.writePolicyZone(zone, allowRules(domains));
      await this.loadOrRollback(zone, serial, file);
      return { serial };
    });
  }

  /**
   * The feed zones named evaluates, in order: new ones are installed first (named.conf must not
   * name a missing file), then one reconfig when the list changed.
   */
  async setFeeds(feeds: readonly FeedZoneSpec[]): Promise<void> {
    const names = checkCount(feeds.map((f) => normalizeZoneName(f.name)));
    await this.deps.zoneLocks.runAll(names, () =>
      this.deps.confLock(async () => {
        const current = this.deps.conf.state().policy;
        const before = current?.feedZones ?? [];
        if (current && sameList(before, names)) return;
        const added = feeds.filter((f) => !before.includes(f.name));
        for (const feed of added) await this.install(feed);
        const policy: PolicyZoneNames = { allowlistZone: ALLOWLIST_ZONE_NAME, feedZones: names };
        const previous = this.deps.conf.state();
        await this.deps.conf.apply(this.deps.conf.withPolicy(policy), true);
        try {
          // reconfig loads new zones in the background: each must be served before this returns.
          for (const feed of added) await this.waitLoaded(feed.name, feed.serial);
        } catch (err) {
          await this.deps.conf.apply(previous, false).catch(() => undefined);
          for (const feed of added) await rm(this.deps.layout.zoneFile(feed.name), { force: true });
          throw err;
        }
        // Files of zones no longer listed go; the compiled file stays with the feeds module.
        for (const gone of before.filter((n) => !names.includes(n))) {
          this.deps.loads.forget(gone);
          await rm(this.deps.layout.zoneFile(gone), { force: true });
        }
      }),
    );
  }

  /**
   * A feed zone's new file. Nothing to do when named serves this serial already: setFeeds has
   * just added the zone with this very file (the feeds module calls one after the other).
   */
  async reloadFeed(feed: FeedZoneSpec): Promise<{ serial: number }> {
    const zone = normalizeZoneName(feed.name);
    return this.deps.zoneLocks.run(zone, async () => {
      const status = await this.deps.tools.zoneStatus(zone).catch(() => null);
      if (status?.serial === feed.serial) {
        await this.deps.loads.confirm(zone, feed.serial);
        return { serial: feed.serial };
      }
      const file = this.deps.files.staged(this.deps.layout.zoneFile(zone));
      await linkOrCopy(feed.source, file.tmp);
      await file.commit();
      const { loads } = this.deps;
      let reloaded = false;
      try {
        await loads.track(zone, feed.serial, async () => {
          await loads.reload(zone);
          reloaded = true;
          await this.waitLoaded(zone, feed.serial);
        });
      } catch (err) {
        await file.rollback();
        if (reloaded) await loads.reload(zone).catch(() => undefined);
        throw err;
      }
      return { serial: feed.serial };
    });
  }

  /**
   * Waits until named serves `serial` of a feed zone. Loading a million names keeps named busy
   * for seconds (tens under load), during which rndc may time out: such answers are retried
   * until the deadline, not taken as a failure. A zone named already knew (a reconfig that
   * added it again) keeps its old data until told: a different loaded serial gets one reload.
   */
  private async waitLoaded(zone: string, serial: number): Promise<void> {
    const deadline = Date.now() + FEED_LOAD_TIMEOUT_MS;
    let reloaded = false;
    let loaded: number | null = null;
    while (Date.now() < deadline) {
      const status = await this.deps.tools.zoneStatus(zone).then(
        (s) => s,
        () => undefined,
      );
      loaded = status?.serial ?? null;
      if (loaded === serial) {
        await this.deps.loads.confirm(zone, serial);
        return;
      }
      if (loaded !== null && !reloaded) {
        reloaded = true;
        await this.deps.loads.reload(zone).catch(() => undefined);
      }
      await sleep(200);
    }
    throw new AppError('BIND_RELOAD_FAILED', {
      zone,
      expectedSerial: serial,
      loadedSerial: loaded,
      log: '',
    });
  }

  /** Reload and confirm; on failure the previous file goes back (and is reloaded) first. */
  private async loadOrRollback(zone: string, serial: number, file: StagedFile): Promise<void> {
    const { loads } = this.deps;
    let reloaded = false;
    try {
      await loads.track(zone, serial, async () => {
        await loads.reload(zone);
        reloaded = true;
        await loads.confirm(zone, serial);
      });
    } catch (err) {
      await file.rollback();
      if (reloaded) await loads.reload(zone).catch(() => undefined);
      throw err;
    }
  }

  /** The compiled file as the zone's file (a hard link: no copy of a million lines). */
  private async install(feed: FeedZoneSpec): Promise<boolean> {
    const target = this.deps.layout.zoneFile(feed.name);
    const [src, dst] = await Promise.all([stat(feed.source), stat(target).catch(() => null)]);
    if (dst && dst.ino === src.ino && dst.dev === src.dev) return true;
    const file = this.deps.files.staged(target);
    await linkOrCopy(feed.source, file.tmp);
    await file.commit();
    return true;
  }
}

function allowRules(domains: readonly string[]): RpzRuleSpec[] {
  return domains.map((name) => ({ name, action: 'passthru' as const }));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function checkCount(feedZones: string[]): string[] {
  // The allowlist and the manual zone take two of BIND's 64.
  if (feedZones.length + 2 > MAX_POLICY_ZONES)
    throw invalidRecord(`response-policy takes at most ${MAX_POLICY_ZONES} zones`);
  return feedZones;
}

async function linkOrCopy(source: string, target: string): Promise<void> {
  await rm(target, { force: true });
  try {
    await link(source, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw err;
    await copyFile(source, target);
  }
}
