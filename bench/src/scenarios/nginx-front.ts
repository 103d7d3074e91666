import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, shippedNginxSite, startNginx, type NginxServer } from '@hdns/testkit';
import { sleep } from '../shared.js';

/**
 * A real nginx in front of the bench instances, running the site the product ships
 * (docs/deploy/nginx-hdns.conf): its upstream (round robin, passive health checks, keepalive),
 * its proxy headers and its /ws upgrade location, as they are. Only the lines marked `# test:`
 * change, as in apps/server/test/nginx-cluster.test.ts, except that the TLS server listens in
 * plain http: the load clients open `ws://` (their TLS cost would land on the load generator,
 * which shares the 2 cores with everything else) and the figure wanted is the proxy hop.
 */
export class NginxFront {
  private constructor(
    private readonly nginx: NginxServer,
    /** The /ws URL a load client opens; nginx's /ws location upgrades and proxies it. */
    readonly url: string,
    private readonly workers: number[],
  ) {}

  static async start(instancePorts: number[]): Promise<NginxFront> {
    const [plain, site] = [await freePort(), await freePort()];
    const nginx = await startNginx(shippedNginxSite({ instancePorts, plain, site }), site);
    try {
      const workers = await workerPids(masterPid(nginx.dir));
      return new NginxFront(nginx, `ws://127.0.0.1:${site}/ws`, workers);
    } catch (err) {
      await nginx.close();
      throw err;
    }
  }

  /** CPU time (user + system) of nginx's workers in µs; the master only supervises. */
  cpuUs(): number {
    return this.workers.reduce((sum, pid) => sum + procCpuUs(pid), 0);
  }

  close(): Promise<void> {
    return this.nginx.close();
  }
}

function masterPid(dir: string): number {
  const pid = Number(readFileSync(path.join(dir, 'nginx.pid'), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`nginx: bad pid file in ${dir}`);
  return pid;
}

/**
 * The master's children. Its listening socket accepts (startNginx's readiness check) before
 * the workers are forked, so they are waited for.
 */
async function workerPids(master: number): Promise<number[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const children = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '')
      .map(Number);
    if (children.length > 0) return children;
    if (Date.now() > deadline) throw new Error('nginx: no worker processes after 5 s');
    await sleep(50);
  }
}

const TICKS_PER_SECOND = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** utime + stime of one process from /proc/<pid>/stat, in µs (clock-tick resolution). */
function procCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 3 (state) is fields[0], so utime (14) and stime (15) are fields[11] and fields[12].
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / TICKS_PER_SECOND;
}
