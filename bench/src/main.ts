import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { FULL, QUICK, type BenchConfig } from './config.js';
import { summarizeProfile } from './profile.js';
import { machine, summarize, table, writeJson, type ScenarioResult } from './report.js';
import { RESUME_DEADLINE_MS, type Figures } from './scenarios/common.js';
import { critical, findSustainedRate } from './scenarios/critical.js';
import { dnsSuite } from './scenarios/dns-suite.js';
import { runCluster } from './scenarios/cluster-suite.js';
import { fanout } from './scenarios/fanout.js';
import { feedFromUrl, feedVersusImport } from './scenarios/feeds.js';
import { ingest } from './scenarios/ingest.js';
import { memory } from './scenarios/memory.js';
import { slowConsumer } from './scenarios/slow-consumer.js';
import { compressionVariants, replayCompression } from './scenarios/compression.js';
import { storm } from './scenarios/storm.js';
import {
  cleanupTmp,
  OURS,
  OURS_BEFORE,
  OURS_NO_BATCH,
  OURS_UNBATCHED,
  RAW,
  SIO,
  type Variant,
} from './variants.js';

/**
 * npm run bench [-- --quick]
 * [--only=fanout,critical,memory,storm,slow,ingest,dnstap,live,named,search,feeds,cluster,compression]
 * [--runs=N] [--profile]. Every scenario runs ours and the peers in alternation, `runs` times, and reports
 * medians. Exits non-zero only on crashes and protocol errors, never on a figure.
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const runsArg = args.find((a) => a.startsWith('--runs='));
const cfg: BenchConfig = {
  ...(quick ? QUICK : FULL),
  ...(runsArg ? { runs: Number(runsArg.slice(7)) } : {}),
};
const results: ScenarioResult[] = [];
const resultsDir = new URL('../results/', import.meta.url).pathname;
const wanted = (s: string): boolean => !only || only.includes(s);

function log(msg: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/** 1-minute load average: the machine is shared, so every run records how busy it was. */
function loadAvg1(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

function show(x: Figures): string {
  return Object.entries(x)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(3)}`)
    .join(' ');
}

/** Runs `body` for every variant, `runs` times, alternating variants inside each round. */
async function alternate(
  scenario: string,
  title: string,
  variants: Variant[],
  body: (v: Variant) => Promise<Figures>,
  notes: string[] = [],
  runs = cfg.runs,
): Promise<void> {
  const byVariant = new Map<string, Figures[]>(variants.map((v) => [v.name, []]));
  for (let r = 1; r <= runs; r++) {
    for (const v of variants) {
      const load = loadAvg1();
      const figures = { ...(await body(v)), loadAvg1AtStart: load };
      byVariant.get(v.name)?.push(figures);
      log(`${scenario} run ${r}/${runs} ${v.name}: ${show(figures)}`);
    }
  }
  results.push({
    scenario,
    title,
    notes,
    variants: variants.map((v) => summarize(v.name, byVariant.get(v.name) ?? [])),
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  log(`${quick ? 'quick' : 'full'} run, ${cfg.runs} run(s) per scenario`);
  if (wanted('fanout')) {
    const f = cfg.fanout;
    await alternate(
      'fanout',
      `Fan-out: ${f.clients} clients, ${f.rate} events/s, ${f.payloadBytes}-byte payload, ${f.durationMs / 1000} s`,
      [OURS, OURS_BEFORE, OURS_NO_BATCH, OURS_UNBATCHED, RAW, SIO],
      (v) => fanout(v, cfg),
    );
  }
  if (wanted('critical')) {
    const rates = new Map<string, number>();
    for (const v of [OURS, RAW, SIO]) {
      rates.set(v.name, await findSustainedRate(v, cfg));
      log(`critical ramp ${v.name}: sustains ${rates.get(v.name)} events/s`);
    }
    const c = cfg.critical;
    const peerRate = Math.min(rates.get(RAW.name) ?? 100, rates.get(SIO.name) ?? 100);
    // Ours as before issue 17's delivery work, at ours' rate: the like-for-like row.
    rates.set(OURS_BEFORE.name, rates.get(OURS.name) ?? 100);
    const variants: Variant[] = [OURS, OURS_BEFORE, RAW, SIO];
    if (peerRate !== rates.get(OURS.name)) {
      const atPeers = { ...OURS, name: `ours at ${peerRate}/s` };
      rates.set(atPeers.name, peerRate);
      variants.splice(2, 0, atPeers);
    }
    await alternate(
      'critical',
      `Critical under saturation: ${c.clients} clients, each server at its highest sustained rate, 1 critical/s, ${c.durationMs / 1000} s`,
      variants,
      (v) => critical(v, cfg, rates.get(v.name) ?? 100),
      [
        `Sustained rates found by the ramp (${c.rampRates.join(', ')} events/s, ${c.rampStepMs / 1000} s steps): ` +
          [OURS, RAW, SIO].map((v) => `${v.name} ${rates.get(v.name)}`).join(', '),
      ],
    );
  }
  if (wanted('memory')) {
    const [a, b] = cfg.memory.sizes;
    const idle = cfg.memory.idle;
    await alternate(
      'memory',
      `Memory: idle connections (${a}, ${b}, and ${idle.clients} held past a heartbeat), RSS after GC`,
      [OURS, RAW, SIO],
      (v) => memory(v, cfg),
    );
  }
  if (wanted('storm')) {
    const s = cfg.storm;
    await alternate(
      'storm',
      `Reconnect storm: ${s.clients} clients, ${s.rate} events/s, server SIGKILLed and restarted`,
      [OURS, RAW, SIO],
      (v) => storm(v, cfg),
      [
        `allResumedMs ∞: not every client was back within ${RESUME_DEADLINE_MS / 1000} s of the restart (\`reconnected\`: the share that was); it counts as the worst run in the median.`,
      ],
    );
  }
  if (wanted('slow')) {
    const s = cfg.slow;
    const variants = [OURS, RAW, SIO].flatMap((v) => [
      v,
      { ...v, name: `${v.name} + stuck client`, stuck: true },
    ]);
    await alternate(
      'slow',
      `Slow consumer: ${s.clients} clients, ${s.rate} events/s of ${s.payloadBytes} bytes, ${s.durationMs / 1000} s, with and without one client that stopped reading`,
      variants,
      (v) => slowConsumer(v, cfg, 'stuck' in v),
    );
  }
  if (wanted('ingest')) {
    const i = cfg.ingest;
    await alternate(
      'ingest',
      `Query-log ingest: ${i.lines.toLocaleString('en-US')} lines on one core; line written → client received at ${i.latency.rate} lines/s for ${i.latency.durationMs / 1000} s`,
      [OURS],
      () => ingest(cfg),
      [
        'No peer: raw ws and Socket.IO do not read BIND logs; compare with the bar (300,000 lines/s).',
      ],
    );
  }
  await dnsSuite(cfg, wanted, alternate, log, (ratios) => {
    const last = results[results.length - 1];
    if (last) last.ratios = ratios;
  });
  // ~1 min even at --quick sizes (a server start per variant and payload): never in a plain --quick.
  if (wanted('compression') && !(quick && !only)) {
    const c = cfg.compression;
    const variants = compressionVariants(c.thresholds);
    const ratios = variants.slice(1).map((v): [string, string] => [v.name, 'plain']);
    for (const kind of ['record_updated', 'dns_query_log'] as const) {
      await alternate(
        kind === 'record_updated' ? 'compression' : 'compression-querylog',
        `Replay compression: ${c.events.toLocaleString('en-US')} ${kind} events resumed from before the first by ${c.readers} client(s), permessage-deflate off and on`,
        variants,
        (v) => replayCompression(v, cfg, kind),
      );
      const last = results[results.length - 1];
      if (last) last.ratios = ratios;
    }
  }
  if (wanted('feeds')) {
    const f = cfg.feeds;
    await alternate(
      'feeds',
      `Blocklist feed: ${f.domains.toLocaleString('en-US')} names from a local HTTP server to named answering with them (dig), then a refresh changing 1 %`,
      [{ name: 'feed', kind: 'ours' }],
      () => feedFromUrl(cfg),
      ['named RSS from /proc/<pid>/status VmRSS; the bar: under 60 s for 1,000,000 names.'],
    );
    await alternate(
      'feeds-vs-import',
      `${f.compare.toLocaleString('en-US')} names each way: a feed against the RPZ bulk import (1,000-rule chunks, each re-rendering rpz.local)`,
      [{ name: 'feed vs import', kind: 'ours' }],
      () => feedVersusImport(cfg),
    );
  }
  // Scale-out on Redis (~2.5 min a round): in the full run, never in a plain --quick (CI).
  if (wanted('cluster') && !(quick && !only)) await runCluster(cfg, alternate, results);
  let profile: Record<string, ReturnType<typeof summarizeProfile>> | undefined;
  if (args.includes('--profile')) {
    profile = {};
    const dir = `${resultsDir}profiles`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(`${dir}/fanout`, { recursive: true });
    mkdirSync(`${dir}/storm`, { recursive: true });
    log('profiling ours during fan-out (V8 CPU profiler, measured window only)');
    await fanout(OURS, cfg, { profileDir: `${dir}/fanout` });
    profile.fanout = summarizeProfile(`${dir}/fanout`);
    log('profiling ours for 8 s after its restart in the storm');
    await storm(OURS, cfg, `${dir}/storm`);
    profile.storm = summarizeProfile(`${dir}/storm`);
    for (const [name, p] of Object.entries(profile)) {
      log(`profile ${name}: idle ${p.idlePct.toFixed(1)} % of ${Math.round(p.totalMs)} ms`);
      for (const a of p.byArea.slice(0, 8)) log(`  ${a.area}: ${a.pct.toFixed(1)} %`);
      for (const f of p.topFrames) log(`  ${f.pct.toFixed(1)} % ${f.frame}`);
    }
  }
  const report = table(results);
  console.log(`\n${report}`);
  // A partial run (--only) never replaces the full run's figures that docs/benchmarks.md quotes.
  const file = `${quick ? 'quick' : 'latest'}${only ? `-${only.join('+')}` : ''}.json`;
  await writeJson(`${resultsDir}${file}`, {
    date: new Date().toISOString(),
    quick,
    durationSec: Math.round((Date.now() - started) / 1000),
    machine: machine(),
    config: cfg,
    results,
    ...(profile ? { profile } : {}),
  });
  log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
}

main()
  .then(() => {
    cleanupTmp();
    process.exit(0);
  })
  .catch((err: unknown) => {
    console.error(err);
    cleanupTmp();
    process.exit(1);
  });
