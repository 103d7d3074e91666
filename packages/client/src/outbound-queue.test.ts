import type { ClientFrame } from '@hdns/protocol';
import { describe, expect, it } from 'vitest';
import { OutboundQueue } from './outbound-queue.js';
import { recordingLogger } from '../test/support/recording-logger.js';

const sub = (id: string): ClientFrame => ({ type: 'subscribe', id, items: ['dns'] });
const ids = (frames: ClientFrame[]) => frames.map((f) => ('id' in f ? f.id : '?'));

describe('OutboundQueue (offline queue)', () => {
  it('keeps frames in order and drains them once', () => {
    const q = new OutboundQueue(5, recordingLogger());
    q.push(sub('a'));
    q.push(sub('b'));
    expect(q.size).toBe(2);
    expect(ids(q.drain())).toEqual(['a', 'b']);
    expect(q.drain()).toEqual([]);
  });

  it('drops the oldest with a warning when full, and reports each dropped frame', () => {
    const logger = recordingLogger();
    const dropped: ClientFrame[] = [];
    const q = new OutboundQueue(3, logger, (f) => dropped.push(f));
    for (const id of ['a', 'b', 'c', 'd', 'e']) q.push(sub(id));
    expect(ids(q.drain())).toEqual(['c', 'd', 'e']);
    expect(ids(dropped)).toEqual(['a', 'b']);
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]).toMatch(/offline queue full/);
  });

  it('puts requeued frames in front of newer ones, still bounded', () => {
    const dropped: ClientFrame[] = [];
    const q = new OutboundQueue(3, recordingLogger(), (f) => dropped.push(f));
    q.push(sub('new1'));
    q.push(sub('new2'));
    q.requeue([sub('old1'), sub('old2')]);
    expect(ids(dropped)).toEqual(['old1']);
    expect(ids(q.drain())).toEqual(['old2', 'new1', 'new2']);
  });

  it('refuses a capacity below one', () => {
    expect(() => new OutboundQueue(0, recordingLogger())).toThrow(RangeError);
  });
});
