import type { BenchConfig } from '../config.js';
import type { ScenarioResult } from '../report.js';
import { OURS, type Variant } from '../variants.js';
import { logCosts, type LogKind } from './cluster-log.js';
import { clusterFanout, clusterStorm } from './cluster.js';
import type { Figures } from './common.js';
import { fanout } from './fanout.js';
import { RedisRig } from './redis-rig.js';
import { storm } from './storm.js';

/** main.ts's runner: every variant `runs` times in alternation, medians into `results`. */
export type Alternate = (
  scenario: string,
  title: string,
  variants: Variant[],
  body: (v: Variant) => Promise<Figures>,
  notes?: string[],
) => Promise<void>;

const TWO_ON_REDIS = 'ours ×2 on Redis';
const BEHIND_NGINX = 'ours ×2 on Redis behind nginx';
const SQLITE = 'SQLite';
const REDIS_ALWAYS = 'Redis (appendfsync always)';
const REDIS_EVERYSEC = 'Redis (appendfsync everysec)';

/**
 * Scale-out (issue 13), `--only=cluster`: one real redis-server for the whole scenario, each
 * measured run under a fresh key prefix. Three tables, each against the single instance in the
 * same run: fan-out, event-log costs, reconnect storm across instances.
 */
export async function runCluster(
  cfg: BenchConfig,
  alternate: Alternate,
  results: ScenarioResult[],
): Promise<void> {
  const rig = await RedisRig.start();
  const withRatios = (ratios: [string, string][]): void => {
    const last = results[results.length - 1];
    if (last) last.ratios = ratios;
  };
  try {
    const f = cfg.fanout;
    await alternate(
      'cluster-fanout',
      `Scale-out fan-out: ${f.clients} clients, ${f.rate} events/s, ${f.payloadBytes}-byte payload, ${f.durationMs / 1000} s; 1 instance (SQLite log, in-process bus) vs 2 instances on Redis, direct and behind nginx`,
      [OURS, { ...OURS, name: TWO_ON_REDIS }, { ...OURS, name: BEHIND_NGINX }],
      (v) =>
        v.name === OURS.name ? fanout(OURS, cfg) : clusterFanout(cfg, rig, v.name === BEHIND_NGINX),
      [
        `${TWO_ON_REDIS}: clients split evenly, direct connections (no nginx), events published on one instance; CPU = both instances; redis-server CPU separate; appendfsync always`,
        `${BEHIND_NGINX}: the same two instances, every client through one nginx (docs/deploy/nginx-hdns.conf, round robin, plain http on loopback, 1 worker); nginx worker CPU (/proc) separate`,
      ],
    );
    withRatios([
      [TWO_ON_REDIS, OURS.name],
      [BEHIND_NGINX, OURS.name],
    ]);

    const c = cfg.cluster;
    const kinds = new Map<string, LogKind>([
      [SQLITE, 'sqlite'],
      [REDIS_ALWAYS, 'always'],
      [REDIS_EVERYSEC, 'everysec'],
    ]);
    await alternate(
      'cluster-log',
      `Event log: ${c.appends.toLocaleString('en-US')} appends of ${c.payloadBytes}-byte events (one at a time, then 64 in flight); ${c.resumeReads} resume reads of ${c.resumeEvents} events`,
      [...kinds.keys()].map((name) => ({ name, kind: 'ours' })),
      (v) => logCosts(kinds.get(v.name) ?? 'sqlite', cfg, rig),
      ['In the bench process, no hub: the log alone, on a fresh log each run.'],
    );
    withRatios([
      [REDIS_ALWAYS, SQLITE],
      [REDIS_EVERYSEC, SQLITE],
    ]);

    const s = cfg.storm;
    const restarted = '1 instance, restarted';
    const across = '2 on Redis, 1 killed';
    await alternate(
      'cluster-storm',
      `Reconnect storm across instances: ${s.clients} clients, ${s.rate} events/s; one instance SIGKILLed`,
      [
        { ...OURS, name: restarted },
        { ...OURS, name: across },
      ],
      (v) => (v.name === restarted ? storm(OURS, cfg) : clusterStorm(cfg, rig)),
      [
        `${restarted}: the storm scenario (ours on SQLite, killed and started again on its port, all clients reconnect).`,
        `${across}: half the clients were on the killed instance and move to the other one (resume from Redis); published on the survivor.`,
      ],
    );
    withRatios([[across, restarted]]);
  } finally {
    await rig.close();
  }
}
