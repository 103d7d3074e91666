import type { HubLogger } from './hub.js';
import type { HubSocket } from './hub-socket.js';
import type { Session } from './session.js';

type RawData = Buffer | ArrayBuffer | Buffer[];

function toBuffer(data: RawData): Buffer {
  return Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data);
}

/**
 * Routes socket events to their sessions through three listeners shared by every socket of a
 * hub (an emitter calls a listener with `this` set to itself), not three closures per
 * connection: idle connections are counted in thousands.
 */
export class SocketRouter {
  private readonly sessions = new WeakMap<HubSocket, Session>();
  private readonly onMessage: (data: RawData, isBinary: boolean) => void;
  private readonly onClose: (code: number) => void;
  private readonly onError: (err: Error) => void;

  constructor(logger: () => HubLogger) {
    const sessions = this.sessions;
    this.onMessage = function (this: HubSocket, data: RawData, isBinary: boolean): void {
      sessions.get(this)?.receive(toBuffer(data), isBinary);
    };
    this.onClose = function (this: HubSocket, code: number): void {
      sessions.get(this)?.socketClosed(code);
    };
    this.onError = function (this: HubSocket, err: Error): void {
      logger().warn({ err: err.message, session: sessions.get(this)?.id }, 'socket error');
    };
  }

  bind(socket: HubSocket, session: Session): void {
    this.sessions.set(socket, session);
    socket.on('message', this.onMessage);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }
}
