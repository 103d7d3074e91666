import WebSocket from 'ws';
import { benchToken, type BenchData, type ServerKind } from '../shared.js';

export interface ClientSink {
  /** One delivered event, parsed. */
  event(client: LoadClient, data: BenchData): void;
  /** A frame that broke the protocol (unparseable, unexpected error frame). */
  protocolError(client: LoadClient, what: string): void;
  ready(client: LoadClient): void;
  closed(client: LoadClient, code: number): void;
}

interface OursFrame {
  type: string;
  through?: number;
  events?: { seq: number; data: BenchData }[];
  position?: { epoch: string; seq: number };
  resume?: { ok: boolean; reason?: string };
  code?: string;
  ts?: number;
}

/**
 * One raw WebSocket client that parses every frame. The same class speaks the three protocols:
 * ours (hello + subscribe, `batch` frames, resume by `through`), Engine.IO v4 / Socket.IO
 * (`0` open, `40` connect, `2`→`3` pings, `42[...]` events) and bare JSON frames (raw ws).
 */
export class LoadClient {
  ws: WebSocket | undefined;
  ready = false;
  connects = 0;
  readyAt = 0;
  resumeFailures = 0;
  /** Ours: resume position (highest `through` seen). */
  private epoch: string | undefined;
  private through = 0;

  constructor(
    readonly index: number,
    readonly kind: ServerKind,
    /** Where the next connect goes; a client of several instances moves it on failover. */
    public url: string,
    private readonly sink: ClientSink,
    private readonly resume: boolean,
  ) {}

  /** Opens and resolves once ready (welcome / Socket.IO connect / open); rejects on failure. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false, handshakeTimeout: 5_000 });
      this.ws = ws;
      let settled = false;
      // Like real clients: give up on a connection that never gets to ready, and retry.
      const timer = setTimeout(() => {
        if (!settled) ws.terminate();
      }, 10_000);
      const done = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      ws.on('open', () => {
        if (this.kind === 'ours') this.hello();
        if (this.kind === 'raw') this.markReady(done);
      });
      ws.on('message', (raw: Buffer) => this.onMessage(raw.toString(), done));
      ws.on('error', (err) => done(err));
      ws.on('close', (code) => {
        done(new Error(`closed ${code} before ready`));
        const wasReady = this.ready;
        this.ready = false;
        if (wasReady) this.sink.closed(this, code);
      });
    });
  }

  close(): void {
    this.ws?.terminate();
  }

  private markReady(done: () => void): void {
    this.ready = true;
    this.connects++;
    this.readyAt = Date.now();
    this.sink.ready(this);
    done();
  }

  private hello(): void {
    const resume =
      this.resume && this.epoch !== undefined
        ? { epoch: this.epoch, seq: this.through }
        : undefined;
    this.ws?.send(
      JSON.stringify({
        type: 'hello',
        id: 'h1',
        protocol: 1,
        token: benchToken(`u${this.index}`),
        subscribe: ['config_change'],
        client: { name: 'bench', instanceId: `bench-${this.index}` },
        ...(resume ? { resume } : {}),
      }),
    );
  }

  private onMessage(text: string, done: (err?: Error) => void): void {
    try {
      if (this.kind === 'ours') this.onOurs(JSON.parse(text) as OursFrame, done);
      else if (this.kind === 'raw') this.sink.event(this, JSON.parse(text) as BenchData);
      else this.onEngineIo(text, done);
    } catch (err) {
      this.sink.protocolError(this, `unparseable frame: ${String(err)}`);
    }
  }

  private onOurs(frame: OursFrame, done: (err?: Error) => void): void {
    switch (frame.type) {
      case 'batch':
        for (const e of frame.events ?? []) this.sink.event(this, e.data);
        this.through = Math.max(this.through, frame.through ?? 0);
        return;
      case 'welcome': {
        const resumed = frame.resume?.ok === true;
        if (this.epoch !== undefined && !resumed) this.resumeFailures++;
        if (!resumed || frame.position?.epoch !== this.epoch)
          this.through = frame.position?.seq ?? 0;
        this.epoch = frame.position?.epoch;
        this.markReady(done);
        return;
      }
      case 'ping':
        this.ws?.send(JSON.stringify({ type: 'pong', ts: frame.ts }));
        return;
      case 'error':
        this.sink.protocolError(this, `error frame ${frame.code}`);
        return;
      case 'gap':
      case 'token_expiring':
      case 'notice':
        return;
      default:
        this.sink.protocolError(this, `unexpected frame ${frame.type}`);
    }
  }

  private onEngineIo(text: string, done: (err?: Error) => void): void {
    if (text.startsWith('42')) {
      const [name, data] = JSON.parse(text.slice(2)) as [string, BenchData];
      if (name === 'ev') this.sink.event(this, data);
    } else if (text === '2') this.ws?.send('3');
    else if (text.startsWith('0')) this.ws?.send('40');
    else if (text.startsWith('40')) this.markReady(done);
    else if (text.startsWith('41') || text.startsWith('44') || text === '1')
      this.sink.protocolError(this, `engine.io ${text.slice(0, 40)}`);
  }
}
