import { EXAMPLE_EVENTS, type EventFrame, type EventType } from '@hdns/protocol';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { EventRouter } from './event-router.js';
import { EventType as Types } from './event-type.js';
import { recordingLogger } from '../test/support/recording-logger.js';

function frame<T extends EventType>(event: T, seq: number, category: string): EventFrame<T> {
  return {
    type: 'event',
    id: `e${seq}`,
    seq,
    event,
    category: category as EventFrame['category'],
    priority: 'normal',
    ts: '2025-01-15T10:30:00.000Z',
    data: EXAMPLE_EVENTS[event],
    meta: {},
  };
}

describe('EventRouter', () => {
  it('routes by type (typed payload), category and *, in that order', () => {
    const r = new EventRouter(recordingLogger());
    const calls: string[] = [];
    r.on('zone_created', (e) => {
      expectTypeOf(e.data.after.name).toEqualTypeOf<string>();
      calls.push(`type:${e.seq}`);
    });
    r.on('dns', (e) => calls.push(`cat:${e.event}`));
    r.on('*', (e) => calls.push(`all:${e.seq}`));
    r.dispatch(frame('zone_created', 1, 'dns'));
    r.dispatch(frame('health_update', 2, 'health'));
    expect(calls).toEqual(['type:1', 'cat:zone_created', 'all:1', 'all:2']);
  });

  it('calls one function once per event even when registered under several keys', () => {
    const r = new EventRouter(recordingLogger());
    const seen: number[] = [];
    const h = (e: { seq: number }) => void seen.push(e.seq);
    r.on('zone_created', h);
    r.on('zone_created', h); // duplicate registration is a no-op
    r.on('dns', h);
    r.on('*', h);
    r.dispatch(frame('zone_created', 7, 'dns'));
    expect(seen).toEqual([7]);
  });

  it('removes handlers with the returned function or off(), also during a dispatch', () => {
    const r = new EventRouter(recordingLogger());
    const seen: string[] = [];
    const off = r.on('*', () => {
      seen.push('a');
      off();
    });
    r.on('*', () => seen.push('b'));
    r.dispatch(frame('zone_created', 1, 'dns'));
    r.dispatch(frame('zone_created', 2, 'dns'));
    expect(seen).toEqual(['a', 'b', 'b']);
    r.off('*');
    r.dispatch(frame('zone_created', 3, 'dns'));
    expect(seen).toHaveLength(3);
  });

  it('logs a throwing handler and keeps delivering to the others', () => {
    const logger = recordingLogger();
    const r = new EventRouter(logger);
    const seen: number[] = [];
    r.on('zone_created', () => {
      throw new Error('boom');
    });
    r.on('*', (e) => seen.push(e.seq));
    r.dispatch(frame('zone_created', 1, 'dns'));
    expect(seen).toEqual([1]);
    expect(logger.errors).toEqual(['event handler threw']);
  });
});

describe('EventType constants', () => {
  it('maps UPPER_SNAKE names to the catalogue strings, for every type', () => {
    expect(Types.ZONE_CREATED).toBe('zone_created');
    expect(Types.FORWARDER_STATUS_CHANGE).toBe('forwarder_status_change');
    expect(Object.values(Types).sort()).toEqual(Object.keys(EXAMPLE_EVENTS).sort());
    expectTypeOf(Types.RECORD_UPDATED).toEqualTypeOf<'record_updated'>();
    expect(Object.isFrozen(Types)).toBe(true);
  });
});
