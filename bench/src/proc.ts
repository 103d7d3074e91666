import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface Reply {
  id?: number;
  op: string;
  [k: string]: unknown;
}

/**
 * A forked TypeScript child (run through tsx) with request/reply over IPC. Messages use the
 * 'advanced' serialization so typed arrays (histograms) cross without JSON.
 */
export class Child {
  private seq = 0;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  private readonly listeners: ((r: Reply) => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor(
    readonly proc: ChildProcess,
    readonly name: string,
  ) {
    proc.on('message', (m: Reply) => {
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (w && m.id !== undefined) {
        this.waiting.delete(m.id);
        w(m);
      } else for (const l of this.listeners) l(m);
    });
    this.exited = once(proc, 'exit').then(([code]) => code as number | null);
    void this.exited.then((code) => {
      for (const [id, w] of this.waiting) {
        this.waiting.delete(id);
        w({ op: 'error', message: `${name} exited with ${code}` });
      }
    });
  }

  static start(file: string, config: object, execArgv: string[] = [], name = file): Child {
    const proc = fork(new URL(file, import.meta.url).pathname, [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx', ...execArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Child(proc, name);
  }

  /** Resolves with the first unsolicited message of `op` (e.g. 'ready'). */
  waitFor(op: string, timeoutMs = 60_000): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no ${op}`)), timeoutMs);
      const l = (r: Reply): void => {
        if (r.op !== op && r.op !== 'fatal') return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(l), 1);
        if (r.op === 'fatal') reject(new Error(`${this.name}: ${String(r.message)}`));
        else resolve(r);
      };
      this.listeners.push(l);
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited with ${code} before ${op}`));
      });
    });
  }

  async request<T extends Reply = Reply>(msg: object, timeoutMs = 180_000): Promise<T> {
    const id = ++this.seq;
    const reply = await new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name}: no reply to ${JSON.stringify(msg)}`)),
        timeoutMs,
      );
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.proc.send({ ...msg, id });
    });
    if (reply.op === 'error') throw new Error(`${this.name}: ${String(reply.message)}`);
    return reply as T;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }
}

/** Child side: answers requests with the handler's result (or an error reply). */
export function serve(handler: (msg: Reply) => Promise<object>): void {
  process.on('message', (msg: Reply) => {
    handler(msg).then(
      (r) => process.send?.({ op: msg.op, ...r, id: msg.id }),
      (err: unknown) =>
        process.send?.({
          op: 'error',
          id: msg.id,
          message: err instanceof Error ? (err.stack ?? err.message) : String(err),
        }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

export function childConfig<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/**
 * Runs a child's `main` and reports a failure to the parent as `fatal` (what `waitFor`
 * rejects with) before exiting non-zero.
 */
export function runChild(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    process.send?.({ op: 'fatal', message: String(err) });
    console.error(err);
    process.exit(1);
  });
}

/** The `exit` op of a server child: closes what it runs, answers, then exits. */
export async function exitChild(close: () => Promise<void>): Promise<object> {
  await close();
  setTimeout(() => process.exit(0), 50);
  return {};
}
