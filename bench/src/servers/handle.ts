import { Child, type Reply } from '../proc.js';
import type { ServerKind } from '../shared.js';
import type { PublishPlan } from './publisher.js';
import type { ServerConfig } from './types.js';

export interface RunReply extends Reply {
  published: number;
  critical: number;
  planned: number;
  wallMs: number;
  cpuUs: number;
  rss: number[];
  connections: number;
}

export interface MemReply extends Reply {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  connections: number;
}

export interface StartOptions {
  ledger?: string;
  /** Directory for a .cpuprofile of each measured window (the last one wins). */
  profileDir?: string;
}

/** Parent-side handle of one server process. */
export class ServerHandle {
  private constructor(
    readonly child: Child,
    readonly config: ServerConfig,
    readonly port: number,
    readonly pid: number,
  ) {}

  static async start(config: ServerConfig, options: StartOptions = {}): Promise<ServerHandle> {
    const child = Child.start(
      './servers/child.ts',
      {
        ...config,
        ...(options.ledger ? { ledger: options.ledger } : {}),
        ...(options.profileDir ? { profileDir: options.profileDir } : {}),
      },
      ['--expose-gc'],
      `server:${config.kind}`,
    );
    const ready = await child.waitFor('ready');
    return new ServerHandle(child, config, Number(ready.port), Number(ready.pid));
  }

  get kind(): ServerKind {
    return this.config.kind;
  }

  /** The URL a load client opens for this server. */
  get url(): string {
    const base = `ws://127.0.0.1:${this.port}`;
    return this.kind === 'sio' ? `${base}/socket.io/?EIO=4&transport=websocket` : `${base}/`;
  }

  run(plan: PublishPlan & { drainMs: number; rssEveryMs?: number }): Promise<RunReply> {
    return this.child.request<RunReply>({ op: 'run', plan });
  }

  stream(plan: PublishPlan): Promise<Reply> {
    return this.child.request({ op: 'stream', plan });
  }

  stop(): Promise<Reply> {
    return this.child.request({ op: 'stop' });
  }

  /** Profiles the next `durationMs` (needs StartOptions.profileDir). */
  profile(durationMs: number): Promise<Reply> {
    return this.child.request({ op: 'profile', durationMs });
  }

  /** The process's cumulative CPU time (user + system) in µs. */
  async cpuUs(): Promise<number> {
    return Number((await this.child.request({ op: 'cpu' })).cpuUs);
  }

  mem(): Promise<MemReply> {
    return this.child.request<MemReply>({ op: 'mem' });
  }

  stats(): Promise<MemReply> {
    return this.child.request<MemReply>({ op: 'stats' });
  }

  /** Clean shutdown. */
  async exit(): Promise<void> {
    // Already dead (SIGKILLed by a scenario): there is no channel left to ask it to exit.
    if (this.child.proc.exitCode !== null || this.child.proc.signalCode !== null) return;
    try {
      await this.child.request({ op: 'exit' }, 10_000);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => void this.child.kill(), 5_000);
    await this.child.exited;
    clearTimeout(timer);
  }

  kill(): Promise<number | null> {
    return this.child.kill('SIGKILL');
  }
}
