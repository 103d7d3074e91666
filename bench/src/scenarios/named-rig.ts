import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@hdns/testkit';
import { renderDnstapOptions } from '../../../apps/server/src/bind/named-config.js';
import { FrameStreamSession } from '../../../apps/server/src/dnstap/frame-stream-session.js';
import { sleep } from '../shared.js';
import { tmpFile } from '../variants.js';

/**
 * A real `named` for the DNS benchmarks (issue 15), driven by `dnsperf`: one authoritative zone
 * on loopback high ports, dnstap configured by the app's own renderDnstapOptions (same flush
 * settings as the managed server), and the text query log on or off, as the app writes them.
 */

const run = promisify(execFile);
export const ZONE = 'bench.test';

export interface NamedRigOptions {
  /** Unix socket a dnstap reader listens on; null: no dnstap. */
  dnstapSocket: string | null;
  textLog: boolean;
  /** Replaces the fstrm-* lines of renderDnstapOptions (to compare the writer's settings). */
  fstrm?: string[];
}

export interface NamedRig {
  port: number;
  pid: number;
  queryLog: string;
  /** named's own CPU seconds so far (user + system, /proc/<pid>/stat). */
  cpuSec(): number;
  stop(): Promise<void>;
}

const ZONE_FILE = [
  '$TTL 300',
  `@ IN SOA ns1.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 300`,
  `@ IN NS ns1.${ZONE}.`,
  `@ IN MX 10 mail.${ZONE}.`,
  `@ IN MX 20 mail2.${ZONE}.`,
  '@ IN TXT "v=spf1 -all"',
  `ns1 IN A 192.0.2.1`,
  `mail IN A 192.0.2.25`,
  `mail2 IN A 192.0.2.26`,
  'www IN A 192.0.2.10',
  'www IN A 192.0.2.11',
  'www IN AAAA 2001:db8::10',
  `alias IN CNAME www.${ZONE}.`,
  `_sip._udp IN SRV 10 60 5060 sip.${ZONE}.`,
  'sip IN A 192.0.2.50',
  ...Array.from({ length: 200 }, (_, i) => `host${i} IN A 198.51.100.${i % 250}`),
].join('\n');

const PTR_ZONE = '2.0.192.in-addr.arpa';
const PTR_FILE = [
  '$TTL 300',
  `@ IN SOA ns1.${ZONE}. hostmaster.${ZONE}. 1 3600 600 86400 300`,
  `@ IN NS ns1.${ZONE}.`,
  `10 IN PTR www.${ZONE}.`,
  `25 IN PTR mail.${ZONE}.`,
].join('\n');

/**
 * dnsperf's query file: existing names of every common type, a CNAME chain, PTR, NODATA,
 * NXDOMAIN (random-looking labels, a fifth of the mix) and out-of-zone names (REFUSED).
 */
export function writeQueryFile(): string {
  const lines: string[] = [];
  for (let i = 0; i < 2_000; i++) {
    const k = i % 20;
    if (k < 4) lines.push(`nx${(i * 7919).toString(36)}.${ZONE} A`);
    else if (k < 8) lines.push(`host${i % 200}.${ZONE} A`);
    else if (k === 8) lines.push(`www.${ZONE} A`);
    else if (k === 9) lines.push(`www.${ZONE} AAAA`);
    else if (k === 10) lines.push(`alias.${ZONE} A`);
    else if (k === 11) lines.push(`${ZONE} MX`);
    else if (k === 12) lines.push(`${ZONE} NS`);
    else if (k === 13) lines.push(`${ZONE} TXT`);
    else if (k === 14) lines.push(`_sip._udp.${ZONE} SRV`);
    else if (k === 15) lines.push(`${ZONE} SOA`);
    else if (k === 16) lines.push(`10.${PTR_ZONE} PTR`);
    else if (k === 17) lines.push(`www.${ZONE} TXT`);
    else if (k === 18) lines.push(`mail.${ZONE} A`);
    else lines.push(`name${i}.example.com A`);
  }
  const file = tmpFile('queries.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const CLK_TCK = 100;

/** utime + stime of a process, in seconds. */
export function processCpuSec(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
}

export async function startNamed(opts: NamedRigOptions): Promise<NamedRig> {
  const dir = tmpFile('named');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const queryLog = join(dir, 'query.log');
  writeFileSync(join(dir, `${ZONE}.db`), `${ZONE_FILE}\n`);
  writeFileSync(join(dir, `${PTR_ZONE}.db`), `${PTR_FILE}\n`);
  const conf = [
    'options {',
    `  directory "${dir}";`,
    `  pid-file "${dir}/named.pid";`,
    `  session-keyfile "${dir}/session.key";`,
    `  listen-on port ${port} { 127.0.0.1; };`,
    '  listen-on-v6 { none; };',
    '  recursion no;',
    '  dnssec-validation no;',
    ...(opts.textLog ? ['  querylog yes;'] : ['  querylog no;']),
    ...(opts.dnstapSocket
      ? renderDnstapOptions({ socket: opts.dnstapSocket, identity: 'bench' }).filter(
          (l) => opts.fstrm === undefined || !l.includes('fstrm-'),
        )
      : []),
    ...(opts.dnstapSocket && opts.fstrm ? opts.fstrm.map((l) => `  ${l}`) : []),
    '};',
    'controls { };',
    'logging {',
    `  channel query_file { file "${queryLog}" versions 2 size 500m; print-time yes; print-category yes; print-severity yes; severity info; };`,
    `  channel named_file { file "${dir}/named.log"; print-time yes; severity info; };`,
    '  category queries { query_file; };',
    '  category default { named_file; };',
    '};',
    `zone "${ZONE}" { type primary; file "${ZONE}.db"; };`,
    `zone "${PTR_ZONE}" { type primary; file "${PTR_ZONE}.db"; };`,
    '',
  ].join('\n');
  const confPath = join(dir, 'named.conf');
  writeFileSync(confPath, conf);
  writeFileSync(queryLog, '');
  const child: ChildProcess = spawn('/usr/sbin/named', ['-c', confPath, '-f', '-n', '1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', kill);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when it answers.
  for (let i = 0; ; i++) {
    try {
      const { stdout } = await run('dig', [
        '@127.0.0.1',
        '-p',
        String(port),
        '+short',
        '+time=1',
        '+tries=1',
        `www.${ZONE}`,
      ]);
      if (stdout.includes('192.0.2.10')) break;
    } catch {
      // not up yet
    }
    if (i > 50 || child.exitCode !== null) {
      await stop();
      throw new Error(`named did not start: ${stderr}`);
    }
    await sleep(100);
  }
  const pid = child.pid ?? 0;
  return { port, pid, queryLog, cpuSec: () => processCpuSec(pid), stop };
}

export interface DnsperfResult {
  sent: number;
  completed: number;
  lost: number;
  qps: number;
}

/** dnsperf against `port` for `seconds`, at most `qps` queries/s (0: as fast as it goes). */
export async function dnsperf(
  port: number,
  file: string,
  seconds: number,
  qps = 0,
): Promise<DnsperfResult> {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds)];
  if (qps > 0) args.push('-Q', String(qps));
  // One client socket keeps dnsperf itself light on this 2-core machine.
  args.push('-c', '1', '-q', '200');
  const { stdout } = await run('/usr/bin/dnsperf', args, { maxBuffer: 1 << 20 });
  const num = (re: RegExp): number => Number(re.exec(stdout)?.[1] ?? Number.NaN);
  return {
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    qps: num(/Queries per second:\s+([\d.]+)/),
  };
}

export interface FrameRecorder {
  socket: string;
  frames: Buffer[];
  /** Data frames received so far (all kept when `keep`). */
  count(): number;
  stop(): Promise<void>;
}

/** A dnstap reader that speaks Frame Streams and keeps (copies of) the raw data frames. */
export async function recordFrames(keep: boolean): Promise<FrameRecorder> {
  const socket = tmpFile('dnstap.sock');
  const frames: Buffer[] = [];
  let count = 0;
  const sessions = new Set<FrameStreamSession>();
  const server = net.createServer((s) => {
    const session = new FrameStreamSession(s, {
      onFrame: (f) => {
        count++;
        if (keep) frames.push(Buffer.from(f));
      },
      onEnd: () => sessions.delete(session),
    });
    sessions.add(session);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  return {
    socket,
    frames,
    count: () => count,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sessions) s.close('bench done');
      await closed;
      rmSync(socket, { force: true });
    },
  };
}

/**
 * Waits until `count()` is above zero and stops growing for `quietMs` (dnstap flushes up to
 * ~2 s late), or `maxMs`.
 */
export async function settle(count: () => number, quietMs = 2_500, maxMs = 15_000): Promise<void> {
  const end = Date.now() + maxMs;
  let last = -1;
  let since = Date.now();
  while (Date.now() < end) {
    const c = count();
    if (c !== last) {
      last = c;
      since = Date.now();
    } else if (c > 0 && Date.now() - since >= quietMs) return;
    await sleep(100);
  }
}
