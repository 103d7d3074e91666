import { readFile } from 'node:fs/promises';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A named left running by a server process that died without its shutdown hooks (SIGKILL, OOM)
 * still holds our ports. Before starting, stop it: only if the pid file's process is a `named`
 * whose command line names our own named.conf, so nothing else on the machine is ever touched.
 * Returns the pid it stopped, or null.
 */
export async function stopStaleNamed(
  pidFile: string,
  confFile: string,
  timeoutMs = 5_000,
): Promise<number | null> {
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(pidFile, 'utf8')).trim(), 10);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || !alive(pid)) return null;
  let cmdline: string;
  try {
    cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    return null;
  }
  if (!/(^|\/)named\b/.test(cmdline) || !cmdline.includes(confFile)) return null;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(20);
  return pid;
}
