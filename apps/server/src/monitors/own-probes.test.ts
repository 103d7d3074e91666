import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { isLoopback, OwnProbeRegistry, trackOwnProbe } from './own-probes.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('isLoopback', () => {
  it('knows 127.0.0.0/8, ::1 and the IPv4-mapped form, nothing else', () => {
    for (const ip of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopback(ip)).toBe(true);
    }
    for (const ip of ['10.0.0.1', '192.0.2.127', '::2', '::ffff:10.0.0.1', '']) {
      expect(isLoopback(ip)).toBe(false);
    }
  });
});

describe('OwnProbeRegistry', () => {
  it('matches a loopback client on a held port asking the held name (any case, trailing dot)', () => {
    const r = new OwnProbeRegistry();
    r.hold(40000, 'Example.Test.');
    expect(r.isOwn('127.0.0.1', 40000, 'example.test')).toBe(true);
    expect(r.isOwn('::1', 40000, 'EXAMPLE.TEST.')).toBe(true);
    expect(r.isOwn('192.0.2.1', 40000, 'example.test')).toBe(false);
    expect(r.isOwn('127.0.0.1', 40001, 'example.test')).toBe(false);
    expect(r.isOwn('127.0.0.1', 40000, 'other.test')).toBe(false);
  });

  it('keeps a released port for the grace period only, then forgets it', () => {
    const c = clock();
    const r = new OwnProbeRegistry({ graceMs: 30_000, now: c.now });
    r.hold(40000, 'a.test');
    c.advance(120_000);
    expect(r.isOwn('127.0.0.1', 40000, 'a.test')).toBe(true); // open: no expiry
    r.release(40000);
    c.advance(29_999);
    expect(r.isOwn('127.0.0.1', 40000, 'a.test')).toBe(true);
    c.advance(1);
    expect(r.isOwn('127.0.0.1', 40000, 'a.test')).toBe(false);
    expect(r.size).toBe(0);
  });

  it('stays bounded: expired entries go first, then the oldest', () => {
    const c = clock();
    const r = new OwnProbeRegistry({ maxEntries: 3, graceMs: 10, now: c.now });
    r.hold(1, 'a.test');
    r.hold(2, 'a.test');
    r.hold(3, 'a.test');
    r.release(2);
    c.advance(10);
    r.hold(4, 'a.test'); // the expired 2 makes room
    expect([1, 3, 4].map((p) => r.isOwn('127.0.0.1', p, 'a.test'))).toEqual([true, true, true]);
    r.hold(5, 'a.test'); // full of live entries: the oldest (1) goes
    expect(r.size).toBe(3);
    expect([1, 3, 4, 5].map((p) => r.isOwn('127.0.0.1', p, 'a.test'))).toEqual([
      false,
      true,
      true,
      true,
    ]);
    r.clear();
    expect(r.size).toBe(0);
  });

  it('trackOwnProbe holds a socket’s port once bound and releases it on close', async () => {
    const c = clock();
    const r = new OwnProbeRegistry({ graceMs: 1000, now: c.now });
    const socket = dgram.createSocket('udp4');
    trackOwnProbe(socket, 'a.test', r);
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const port = socket.address().port;
    expect(r.isOwn('127.0.0.1', port, 'a.test')).toBe(true);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    expect(r.isOwn('127.0.0.1', port, 'a.test')).toBe(true);
    c.advance(1000);
    expect(r.isOwn('127.0.0.1', port, 'a.test')).toBe(false);
  });
});
