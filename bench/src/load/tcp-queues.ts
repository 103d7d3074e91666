import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { median } from '../report.js';

const run = promisify(execFile);

/**
 * Bytes the kernel holds between a server and its clients, per client socket: what a frame the
 * server writes now waits behind before the client's code sees it. `clientRecvKB`: received by
 * the client's kernel, not yet read by the client process (Recv-Q of the client's end);
 * `serverSendKB`: accepted by the server's kernel, not yet taken by the client's (Send-Q of the
 * server's end, non-zero once a client's receive window is full). Neither is visible to the
 * server's process, which sees only what the kernel has not accepted yet.
 */
export interface TcpQueues {
  clientRecvKB: number;
  serverSendKB: number;
}

/** Over a run: the median sample, and the largest (the queues are bursty: flush rounds). */
export interface TcpQueueSummary extends TcpQueues {
  clientRecvMaxKB: number;
  serverSendMaxKB: number;
}

/** One `ss -tnH state established` listing, reduced to per-client-socket means for `port`. */
export function queuesOf(listing: string, port: number): TcpQueues | undefined {
  let recv = 0;
  let send = 0;
  let clients = 0;
  const suffix = `:${port}`;
  for (const line of listing.split('\n')) {
    const [recvQ, sendQ, local, peer] = line.trim().split(/\s+/);
    if (local === undefined || peer === undefined) continue;
    if (peer.endsWith(suffix)) {
      recv += Number(recvQ);
      clients++;
    } else if (local.endsWith(suffix)) send += Number(sendQ);
  }
  return clients === 0
    ? undefined
    : { clientRecvKB: recv / clients / 1024, serverSendKB: send / clients / 1024 };
}

/**
 * Samples the queues of the server on `port` every `everyMs` until the returned stop, which
 * resolves to the median and the largest of the samples (undefined without `ss` or without a
 * sample). Loopback
 * only: both ends of every socket are on this machine, so one listing holds both queues.
 */
export function sampleTcpQueues(
  port: number,
  everyMs = 500,
): () => Promise<TcpQueueSummary | undefined> {
  const samples: TcpQueues[] = [];
  let pending: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    pending = run('ss', ['-tnH', 'state', 'established'], { maxBuffer: 64 * 1024 * 1024 })
      .then(({ stdout }) => {
        const q = queuesOf(stdout, port);
        if (q) samples.push(q);
      })
      .catch(() => undefined);
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await pending;
    if (samples.length === 0) return undefined;
    const recv = samples.map((s) => s.clientRecvKB);
    const send = samples.map((s) => s.serverSendKB);
    return {
      clientRecvKB: median(recv),
      serverSendKB: median(send),
      clientRecvMaxKB: Math.max(...recv),
      serverSendMaxKB: Math.max(...send),
    };
  };
}
