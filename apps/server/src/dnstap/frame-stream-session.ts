import type { Socket } from 'node:net';
import {
  CONTROL_ACCEPT,
  CONTROL_FINISH,
  CONTROL_READY,
  CONTROL_START,
  CONTROL_STOP,
  FrameStreamReader,
  encodeControlFrame,
  type ControlFrame,
} from './frame-stream-reader.js';

/**
 * One bidirectional Frame Streams connection, reader side, as named (the writer) drives it:
 *
 *   awaiting-ready --READY(content type)--> send ACCEPT --> awaiting-start
 *   awaiting-start --START--> streaming --data frames--> … --STOP--> send FINISH, end --> finished
 *
 * named sends no data before our ACCEPT (verified on BIND 9.18), and a writer that offers no
 * content type we speak gets closed. Any other frame in any state closes the connection with a
 * short, fixed-form reason (never the peer's bytes). Frames are handed to `onFrame`
 * synchronously as the socket delivers them, so nothing queues here beyond one unfinished frame.
 */

export const DNSTAP_CONTENT_TYPE = 'protobuf:dnstap.Dnstap';

export type SessionState =
  'awaiting-ready' | 'awaiting-start' | 'streaming' | 'finished' | 'closed';

export interface SessionEnd {
  /** 'finished' after a clean STOP/FINISH; otherwise why the connection ended. */
  reason: string;
  sawStop: boolean;
  frames: number;
}

export interface FrameStreamSessionOptions {
  contentType?: string;
  maxDataFrame?: number;
  onFrame(frame: Buffer): void;
  /** Called once when the connection is over, for whatever reason. */
  onEnd?(end: SessionEnd): void;
  /**
   * READY and START must come within this (default 5 s; named sends them at once): a peer that
   * connects and says nothing must not hold one of the listener's few connection slots.
   */
  handshakeTimeoutMs?: number;
}

function describe(type: number): string {
  switch (type) {
    case CONTROL_ACCEPT:
      return 'ACCEPT';
    case CONTROL_START:
      return 'START';
    case CONTROL_STOP:
      return 'STOP';
    case CONTROL_READY:
      return 'READY';
    case CONTROL_FINISH:
      return 'FINISH';
    default:
      return `control type ${type >>> 0}`;
  }
}

export class FrameStreamSession {
  private stateValue: SessionState = 'awaiting-ready';
  private readonly reader: FrameStreamReader;
  private readonly contentType: string;
  private ended = false;
  private handshakeTimer: NodeJS.Timeout | null = null;
  sawStop = false;
  frames = 0;

  constructor(
    private readonly socket: Socket,
    private readonly options: FrameStreamSessionOptions,
  ) {
    this.contentType = options.contentType ?? DNSTAP_CONTENT_TYPE;
    this.reader = new FrameStreamReader(
      {
        onData: (frame) => this.onData(frame),
        onControl: (frame) => this.onControl(frame),
        onError: (reason) => this.close(`protocol error: ${reason}`),
      },
      options.maxDataFrame !== undefined ? { maxDataFrame: options.maxDataFrame } : {},
    );
    this.handshakeTimer = setTimeout(() => {
      if (this.stateValue !== 'streaming') this.close('handshake timeout');
    }, options.handshakeTimeoutMs ?? 5000);
    this.handshakeTimer.unref?.();
    socket.on('data', (chunk: Buffer) => this.reader.push(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      this.finish(`socket error ${err.code ?? 'unknown'}`),
    );
    socket.on('close', () => this.finish(this.sawStop ? 'finished' : 'peer closed'));
    socket.on('end', () => {
      // The peer half-closed: finish our side too (allowHalfOpen may be set by the server).
      if (!socket.destroyed) socket.end();
    });
  }

  get state(): SessionState {
    return this.stateValue;
  }

  /** Ends the connection now (server shutdown, protocol error). Idempotent. */
  close(reason: string): void {
    if (this.stateValue === 'closed' || this.stateValue === 'finished') {
      this.finish(reason);
      this.socket.destroy();
      return;
    }
    this.stateValue = 'closed';
    this.reader.fail(reason, false);
    this.socket.destroy();
    this.finish(reason);
  }

  private finish(reason: string): void {
    if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
    if (this.ended) return;
    this.ended = true;
    if (this.stateValue !== 'finished') this.stateValue = 'closed';
    this.options.onEnd?.({ reason, sawStop: this.sawStop, frames: this.frames });
  }

  private onData(frame: Buffer): void {
    if (this.stateValue !== 'streaming') {
      this.close(`data frame in state ${this.stateValue}`);
      return;
    }
    this.frames++;
    this.options.onFrame(frame);
  }

  private onControl(frame: ControlFrame): void {
    const state = this.stateValue;
    if (state === 'awaiting-ready' && frame.type === CONTROL_READY) {
      if (!frame.contentTypes.includes(this.contentType)) {
        this.close('READY without the dnstap content type');
        return;
      }
      this.socket.write(encodeControlFrame(CONTROL_ACCEPT, [this.contentType]));
      this.stateValue = 'awaiting-start';
      return;
    }
    if (state === 'awaiting-start' && frame.type === CONTROL_START) {
      if (frame.contentTypes.length > 0 && !frame.contentTypes.includes(this.contentType)) {
        this.close('START with another content type');
        return;
      }
      this.stateValue = 'streaming';
      if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
      this.handshakeTimer = null;
      return;
    }
    if (state === 'streaming' && frame.type === CONTROL_STOP) {
      this.sawStop = true;
      this.stateValue = 'finished';
      this.reader.fail('stopped', false);
      this.socket.end(encodeControlFrame(CONTROL_FINISH));
      return;
    }
    this.close(`unexpected ${describe(frame.type)} in state ${state}`);
  }
}
