import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Graceful close that does not wait for idle keep-alive sockets.
 *
 * `app.close()` stops listening and closes the connections that are idle at that moment, then
 * waits for the rest. A request still in flight then (a login in its password hash, a long
 * import chunk) answers afterwards on a keep-alive socket that nobody closes, so the close
 * hangs until the client's or Node's keep-alive timeout (72 s under Fastify), far past a
 * service manager's stop timeout. Once closing has begun, every response says
 * `Connection: close`, so Node ends its socket as soon as it is written.
 */
function closeKeepAlivePlugin(app: FastifyInstance): Promise<void> {
  let closing = false;
  app.addHook('preClose', () => {
    closing = true;
    return Promise.resolve();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  return Promise.resolve();
}

export const closeKeepAlive = fp(closeKeepAlivePlugin, { name: 'hdns-close-keepalive' });
