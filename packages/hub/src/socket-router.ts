import { CloseCode } from '@hdns/protocol';
import type { HubLogger } from './hub-hooks.js';
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

/** Name, message and stack only: never the frame, which may carry a token. */
function describe(err: unknown): { name: string; message: string; stack?: string } {
  return err instanceof Error
    ? { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) }
    : { name: 'NonError', message: String(err).slice(0, 200) };
}

/**
 * Routes socket events to their sessions through three listeners shared by every socket of a
 * hub (an emitter calls a listener with `this` set to itself), not three closures per
 * connection: idle connections are counted in thousands.
 *
 * Contract: a listener never throws. An emitter would rethrow out of `ws`'s receiver, and an
 * exception there is uncaught: one bad frame would end the process for every client. A handler
 * that throws is logged (without the frame) and its connection closed with INTERNAL_ERROR;
 * every other connection carries on.
 */
export class SocketRouter {
  private readonly sessions = new WeakMap<HubSocket, Session>();
  private readonly onMessage: (data: RawData, isBinary: boolean) => void;
  private readonly onClose: (code: number) => void;
  private readonly onError: (err: Error) => void;

  constructor(logger: () => HubLogger) {
    const sessions = this.sessions;
    const failed = (socket: HubSocket, where: string, err: unknown): void => {
      const session = sessions.get(socket);
      try {
        logger().error({ error: describe(err), session: session?.id }, `${where} threw`);
        if (session && !session.isClosed) {
          session.close(CloseCode.INTERNAL_ERROR, 'internal error');
        } else {
          socket.terminate();
        }
      } catch {
        // The logger or the close itself failed: cut the connection, nothing else to try.
        try {
          socket.terminate();
        } catch {
          // already gone
        }
      }
    };
    this.onMessage = function (this: HubSocket, data: RawData, isBinary: boolean): void {
      try {
        sessions.get(this)?.receive(toBuffer(data), isBinary);
      } catch (err) {
        failed(this, 'frame handler', err);
      }
    };
    this.onClose = function (this: HubSocket, code: number): void {
      try {
        sessions.get(this)?.socketClosed(code);
      } catch (err) {
        failed(this, 'close handler', err);
      }
    };
    this.onError = function (this: HubSocket, err: Error): void {
      try {
        // Info, not warn: these are the peer's protocol errors (bad opcode, bad UTF-8 …), and
        // anyone can send them at will; `ws` has already closed the connection.
        logger().info({ err: err.message, session: sessions.get(this)?.id }, 'socket error');
      } catch {
        // A failing logger must not turn a socket error into an uncaught one.
      }
    };
  }

  bind(socket: HubSocket, session: Session): void {
    this.sessions.set(socket, session);
    socket.on('message', this.onMessage);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }
}
