import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode, EXAMPLE_EVENTS } from '@hdns/protocol';
import { v1EventEncoder } from '../src/encoded-event.js';
import type { Session } from '../src/session.js';
import { v1Framing } from '../src/v1-wire.js';
import type { Wire } from '../src/wire.js';
import { startHub, TestClient, token, verifyTestToken, type TestHub } from '@hdns/testkit';

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const SECRET_FRAME = 'frame-with-token-SECRET';

/** A wire whose frame handler throws: what a bug in any wire looks like to the router. */
const brokenWire: Wire = {
  format: 'legacy1',
  encode: v1EventEncoder,
  framing: v1Framing,
  onMessage(_session: Session, raw: Buffer): void {
    throw new Error(`handler bug while reading ${raw.length} bytes`);
  },
  heartbeat: () => undefined,
  tokenExpiring: () => undefined,
  notice: () => undefined,
};

describe('a frame handler that throws', () => {
  it('closes only its own connection with INTERNAL_ERROR, logs without the frame, and the hub carries on', async () => {
    const logged: string[] = [];
    const logger = {
      info: () => undefined,
      warn: () => undefined,
      error: (obj: object, msg?: string) => logged.push(`${msg ?? ''} ${JSON.stringify(obj)}`),
    };
    t = await startHub(
      { logger },
      {
        route: (hub, socket, req) => {
          if (req.url !== '/broken') return false;
          hub.registerWire(brokenWire);
          void verifyTestToken(token('b', 'viewer')).then((identity) =>
            hub.attach(socket, { ip: '127.0.0.1', identity, wire: 'legacy1' }),
          );
          return true;
        },
      },
    );
    const { client: healthy } = await TestClient.connect(t.url, {
      token: token('h', 'viewer'),
      subscribe: ['*'],
    });
    const broken = await TestClient.open(`${t.url}/broken`);
    await new Promise((r) => setTimeout(r, 50));
    broken.send(SECRET_FRAME);
    expect((await broken.waitClosed()).code).toBe(CloseCode.INTERNAL_ERROR);
    expect(logged.join('\n')).toContain('frame handler threw');
    expect(logged.join('\n')).not.toContain(SECRET_FRAME);

    await t.hub.publish('zone_created', EXAMPLE_EVENTS.zone_created);
    const events = await healthy.waitForEvents(1);
    expect(events[0]?.event).toBe('zone_created');
    expect(healthy.closed).toBeUndefined();
  });

  it('a v1 handler that rejects answers INTERNAL for that frame and keeps the connection', async () => {
    t = await startHub({ onAck: () => Promise.reject(new Error('storage down')) });
    const { client } = await TestClient.connect(t.url, { token: token('a', 'admin') });
    const reply = await client.request({ type: 'ack', upToSeq: 1 }, 'error');
    expect(reply.code).toBe('INTERNAL');
    // Still served: later frames are handled in order as before.
    const pong = await client.request({ type: 'ping' }, 'pong');
    expect(pong.type).toBe('pong');
    expect(client.closed).toBeUndefined();
  });
});
