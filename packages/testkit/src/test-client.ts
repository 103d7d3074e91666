import { once } from 'node:events';
import WebSocket from 'ws';
import { parseServerFrame, type EventFrame, type ServerFrame } from '@hdns/protocol';

/** A real ws client that records every server frame and flattens batches into events. */
export class TestClient {
  readonly frames: ServerFrame[] = [];
  readonly events: EventFrame[] = [];
  through = 0;
  closed: { code: number; reason: string } | undefined;
  private waiters: (() => void)[] = [];
  private n = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const parsed = parseServerFrame(data.toString());
      if (!parsed.ok) throw new Error(`server sent an invalid frame: ${parsed.message}`);
      const frame = parsed.frame;
      this.frames.push(frame);
      if (frame.type === 'batch') {
        this.events.push(...frame.events);
        this.through = Math.max(this.through, frame.through);
      }
      if (frame.type === 'event') this.events.push(frame);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Wraps an already open socket (e.g. one opened with custom headers). */
  static wrap(ws: WebSocket): TestClient {
    return new TestClient(ws);
  }

  static async open(url: string): Promise<TestClient> {
    const ws = new WebSocket(url);
    const client = new TestClient(ws);
    await once(ws, 'open');
    return client;
  }

  /** Opens, says hello and waits for the welcome. */
  static async connect(
    url: string,
    hello: {
      token: string;
      subscribe?: string[];
      resume?: { epoch: string; seq: number };
      instanceId?: string;
    },
  ): Promise<{ client: TestClient; welcome: Extract<ServerFrame, { type: 'welcome' }> }> {
    const client = await TestClient.open(url);
    client.send({
      type: 'hello',
      id: 'h1',
      protocol: 1,
      token: hello.token,
      ...(hello.subscribe ? { subscribe: hello.subscribe } : {}),
      ...(hello.resume ? { resume: hello.resume } : {}),
      ...(hello.instanceId ? { client: { instanceId: hello.instanceId } } : {}),
    });
    const welcome = await client.next('welcome');
    // The stream starts at the resume position when the resume succeeded, else at the head.
    client.through = Math.max(
      client.through,
      welcome.resume.ok && hello.resume ? hello.resume.seq : welcome.position.seq,
    );
    return { client, welcome };
  }

  send(frame: object | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async request<T extends ServerFrame['type']>(
    frame: object,
    reply: T,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const id = `r${++this.n}`;
    this.send({ ...frame, id });
    return this.waitFor(
      () =>
        this.frames.find((f) => f.type === reply && 'id' in f && f.id === id) as
          Extract<ServerFrame, { type: T }> | undefined,
    );
  }

  next<T extends ServerFrame['type']>(
    type: T,
    from = 0,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    return this.waitFor(
      () =>
        this.frames.slice(from).find((f) => f.type === type) as
          Extract<ServerFrame, { type: T }> | undefined,
    );
  }

  async waitForEvents(n: number, timeoutMs = 10_000): Promise<EventFrame[]> {
    await this.waitFor(() => (this.events.length >= n ? true : undefined), timeoutMs);
    return this.events;
  }

  async waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    return this.waitFor(() => this.closed, timeoutMs);
  }

  waitFor<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting')), timeoutMs);
      const test = (): boolean => {
        const value = check();
        if (value === undefined) return false;
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      if (test()) return;
      const waiter = (): void => {
        if (!test()) this.waiters.push(waiter);
      };
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w();
  }
}
