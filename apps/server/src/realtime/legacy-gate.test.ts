import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { AuthError } from '@hdns/hub';
import { LEGACY_CLOSE } from '@hdns/protocol/legacy';
import type { LegacyMode } from '@hdns/protocol/rest';
import { LegacyGate } from './legacy-gate.js';
import type { LegacyUseKey } from './legacy-use-store.js';
import type { LegacyAttachContext } from './legacy-handoff.js';

/** A socket that records what the gate does with it; `end()` plays the peer going away. */
class FakeSocket extends EventEmitter {
  sent: string[] = [];
  closedWith: { code: number; reason: string } | undefined;
  send(data: string): void {
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }
  end(): void {
    this.emit('close');
  }
}

const CONTEXT: LegacyAttachContext = {
  ip: '192.0.2.1',
  identity: {
    userId: 'u1',
    username: 'ada',
    role: 'admin',
    zones: null,
    expiresAt: new Date(Date.parse('2026-01-01T00:15:00Z')),
  },
  generation: 1,
  connectionType: 'health',
  route: 'ws-type',
  userAgent: 'Mozilla/5.0',
  auth: 'token',
};

function gateFor(mode: LegacyMode, failWrites = false) {
  const writes: string[] = [];
  const attached: boolean[] = [];
  const counted: string[] = [];
  const errors: object[] = [];
  const gate = new LegacyGate({
    mode,
    attach: (_socket, _context, announce) => {
      attached.push(announce);
    },
    usage: {
      record: (key: LegacyUseKey, outcome, ua) => {
        writes.push(
          `${outcome} ${key.userId}/${key.generation}/${key.route}/${key.connectionType} ${ua}`,
        );
        return failWrites ? Promise.reject(new Error('disk full')) : Promise.resolve();
      },
      closed: (key: LegacyUseKey) => {
        writes.push(`closed ${key.userId}/${key.generation}/${key.route}/${key.connectionType}`);
        return Promise.resolve();
      },
    },
    metrics: { legacy: (generation, kind) => counted.push(`${generation}:${kind}`) },
    log: { error: (obj) => errors.push(obj) },
  });
  return { gate, writes, attached, counted, errors };
}

const asWs = (s: FakeSocket) => s as unknown as WebSocket;

describe('LegacyGate', () => {
  it('on: attaches without the notice; warn: with it; both record open and close', async () => {
    for (const [mode, announce] of [
      ['on', false],
      ['warn', true],
    ] as const) {
      const { gate, writes, attached, counted } = gateFor(mode);
      const socket = new FakeSocket();
      await gate.attach(asWs(socket), CONTEXT);
      expect(attached).toEqual([announce]);
      expect(socket.closedWith).toBeUndefined();
      socket.end();
      await gate.close();
      expect(writes).toEqual([
        'accepted u1/1/ws-type/health Mozilla/5.0',
        'closed u1/1/ws-type/health',
      ]);
      expect(counted).toEqual([]);
    }
  });

  it('off: sends an error naming the guide, closes 1008, counts and records the refusal', async () => {
    const { gate, writes, attached, counted } = gateFor('off');
    const socket = new FakeSocket();
    await gate.attach(asWs(socket), { ...CONTEXT, generation: 2, route: 'api-websocket' });
    expect(attached).toEqual([]);
    expect(socket.closedWith).toEqual(LEGACY_CLOSE.DISABLED);
    expect(socket.closedWith?.reason).toContain('docs/legacy-migration.md');
    const [message] = socket.sent.map((s) => JSON.parse(s) as { type: string; data: unknown });
    expect(message).toMatchObject({
      type: 'error',
      data: { code: 'FORBIDDEN', message: expect.stringContaining('docs/legacy-migration.md') },
    });
    expect(counted).toEqual(['2:refused']);
    socket.end(); // a refused socket's close is not a "seen until" of an accepted one
    await gate.close();
    expect(writes).toEqual(['refused u1/2/api-websocket/health Mozilla/5.0']);
  });

  it('off: refuse answers the same whatever the credentials; records only a token that verifies', async () => {
    const { gate, writes, counted, errors } = gateFor('off');
    expect(gateFor('warn').gate.refuse).toBeUndefined();
    const refuse = gate.refuse!;
    const route = { generation: 1, connectionType: 'health', route: 'ws-type' } as const;
    const none = new FakeSocket();
    const bad = new FakeSocket();
    const good = new FakeSocket();
    refuse(asWs(none), route);
    refuse(asWs(bad), {
      ...route,
      identify: () => Promise.reject(new AuthError('AUTH_FAILED', 'invalid token')),
    });
    refuse(asWs(good), {
      ...route,
      userAgent: 'OldDashboard/1.0',
      identify: () => Promise.resolve(CONTEXT.identity),
    });
    const answer = (s: FakeSocket) =>
      s.sent.map((m) => (JSON.parse(m) as { type: string; data: unknown }).data);
    for (const s of [none, bad, good]) {
      expect(s.closedWith).toEqual(LEGACY_CLOSE.DISABLED);
      expect(answer(s)).toEqual(answer(good));
    }
    expect(answer(good)).toHaveLength(1);
    expect(counted).toEqual(['1:refused', '1:refused', '1:refused']);
    await gate.close();
    expect(writes).toEqual(['refused u1/1/ws-type/health OldDashboard/1.0']);
    expect(errors).toEqual([]);
  });

  it('close() records the last-seen time of the sockets still open, once', async () => {
    const { gate, writes } = gateFor('warn');
    const open = new FakeSocket();
    const gone = new FakeSocket();
    await gate.attach(asWs(open), CONTEXT);
    await gate.attach(asWs(gone), { ...CONTEXT, generation: 2, route: 'ws' });
    gone.end();
    await gate.close();
    expect(writes.filter((w) => w.startsWith('closed')).sort()).toEqual([
      'closed u1/1/ws-type/health',
      'closed u1/2/ws/health',
    ]);
    open.end(); // the hub closes it after the gate: not written twice, nor after close()
    await gate.close();
    expect(writes.filter((w) => w.startsWith('closed'))).toHaveLength(2);
  });

  it('a failed write is logged and never fails the connection; nothing is written after close()', async () => {
    const { gate, writes, attached, errors } = gateFor('warn', true);
    const socket = new FakeSocket();
    await gate.attach(asWs(socket), CONTEXT);
    expect(attached).toEqual([true]);
    await gate.close();
    expect(errors).toHaveLength(1);
    socket.end();
    await gate.close(); // idempotent
    await gate.attach(asWs(new FakeSocket()), CONTEXT);
    // The socket open at close() was seen until then; nothing after.
    expect(writes).toEqual([
      'accepted u1/1/ws-type/health Mozilla/5.0',
      'closed u1/1/ws-type/health',
    ]);
  });
});
