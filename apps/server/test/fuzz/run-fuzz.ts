/**
 * `npm run fuzz -- --minutes N [--seed S]`: the fuzz suite's generators (targets.ts) against a
 * fresh real server process for N minutes (default 10), in rounds: each round runs every
 * target for its share of the time with a seed derived from the run seed, so the printed seed
 * replays the whole run. Prints the seed first, each failure's seed, path and counterexample,
 * and the case counts; exits 1 on any failure.
 */
import { startFuzzServer } from './fuzz-server.js';
import { formatReport, runTarget, type TargetReport } from './run-target.js';
import { FUZZ_TARGETS } from './targets.js';

interface Args {
  minutes: number;
  seed: number;
}

function parseArgs(argv: readonly string[]): Args {
  let minutes = 10;
  let seed = Math.floor(Math.random() * 2 ** 31);
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--minutes' && value !== undefined) minutes = Number(value);
    if (argv[i] === '--seed' && value !== undefined) seed = Number(value);
  }
  if (!Number.isFinite(minutes) || minutes <= 0)
    throw new Error('--minutes must be a positive number');
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  return { minutes, seed };
}

/** Round r, target t: a seed of its own, derived from the run seed. */
function derivedSeed(seed: number, round: number, target: number): number {
  return (seed + round * 7919 + target * 104_729) % 2 ** 31;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const deadline = Date.now() + args.minutes * 60_000;
  console.log(
    `fuzz: seed ${args.seed}, ${args.minutes} min (replay: npm run fuzz -- --minutes ${args.minutes} --seed ${args.seed})`,
  );
  const server = await startFuzzServer();
  const totals = new Map<string, number>();
  const failures: TargetReport[] = [];
  // Time shares follow the suite's case counts, but in-process parser cases are ~100 times
  // cheaper than a round trip to the server: they get a tenth of their share.
  const share = (t: (typeof FUZZ_TARGETS)[number]): number =>
    t.touchesServer ? t.runs : t.runs / 10;
  const weight = FUZZ_TARGETS.reduce((n, t) => n + share(t), 0);
  // A round takes about as long as one `npm test` suite run; the time limit cuts the last one.
  const roundMs = Math.min(3 * 60_000, args.minutes * 60_000);
  try {
    for (let round = 0; Date.now() < deadline && failures.length === 0; round++) {
      for (const [i, target] of FUZZ_TARGETS.entries()) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        const report = await runTarget(server, target, {
          seed: derivedSeed(args.seed, round, i),
          numRuns: 1_000_000,
          eventEvery: 1,
          timeLimitMs: Math.min(left, Math.max(2000, (roundMs * share(target)) / weight)),
        });
        totals.set(target.name, (totals.get(target.name) ?? 0) + report.cases);
        if (report.failed) {
          failures.push(report);
          console.log(formatReport(report));
          console.log(`--- server output (tail) ---\n${server.proc.output().slice(-3000)}`);
          break;
        }
      }
      const sum = [...totals.values()].reduce((a, b) => a + b, 0);
      console.log(`round ${round + 1}: ${sum} cases so far`);
    }
  } finally {
    await server.close();
  }
  for (const [name, n] of totals) console.log(`  ${name}: ${n} cases`);
  const sum = [...totals.values()].reduce((a, b) => a + b, 0);
  console.log(`fuzz: seed ${args.seed}, ${sum} cases, ${failures.length} failures`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('fuzz runner failed:', err);
    process.exit(2);
  },
);
