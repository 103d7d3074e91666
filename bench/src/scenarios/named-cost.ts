import type { BenchConfig } from '../config.js';
import { sleep } from '../shared.js';
import type { Variant } from '../variants.js';
import type { Figures } from './common.js';
import { dnsperf, recordFrames, settle, startNamed, writeQueryFile } from './named-rig.js';

/**
 * named's own CPU per 1,000 queries (issue 15) under each logging setup, the same dnsperf load
 * (a fixed rate, so every setup answers the same queries): neither, the text query log, dnstap
 * (a Frame Streams reader consuming), both. CPU is named's utime + stime from /proc/<pid>/stat
 * over the load and the dnstap flush after it.
 */

export type NamedLogging = 'neither' | 'text log' | 'dnstap' | 'both';

export const NAMED_SETUPS: (Variant & { logging: NamedLogging })[] = (
  ['neither', 'text log', 'dnstap', 'both'] as const
).map((logging) => ({ name: `named, ${logging}`, kind: 'ours', logging }));

export async function namedCost(cfg: BenchConfig, logging: NamedLogging): Promise<Figures> {
  const dnstap = logging === 'dnstap' || logging === 'both';
  const recorder = dnstap ? await recordFrames(false) : null;
  const named = await startNamed({
    dnstapSocket: recorder?.socket ?? null,
    textLog: logging === 'text log' || logging === 'both',
  });
  try {
    if (recorder) await settle(recorder.count, 1_200, 10_000);
    const file = writeQueryFile();
    const framesBefore = recorder?.count() ?? 0;
    const cpuBefore = named.cpuSec();
    const { qps } = cfg.namedCost;
    const perf = await dnsperf(named.port, file, cfg.namedCost.seconds, qps);
    // dnstap's last batch leaves up to ~2 s after the traffic; its cost is named's too.
    if (recorder) await settle(recorder.count, 1_500);
    else await sleep(1_500);
    const cpu = named.cpuSec() - cpuBefore;
    return {
      queries: perf.completed,
      lost: perf.lost,
      qps: perf.qps,
      namedCpuSec: cpu,
      namedCpuMsPer1000Queries: (cpu * 1000 * 1000) / perf.completed,
      dnstapFramesPerQuery: recorder ? (recorder.count() - framesBefore) / perf.completed : 0,
    };
  } finally {
    await named.stop();
    await recorder?.stop();
  }
}
