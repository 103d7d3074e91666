import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

describe('KeyedMutex', () => {
  it('serializes per key, runs keys in parallel, survives failures, forgets drained keys', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task =
      (id: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${id}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${id}`);
        if (fail) throw new Error(id);
        return id;
      };
    const a1 = mutex.run('a', task('a1', 30, true));
    const a2 = mutex.run('a', task('a2', 5));
    const b1 = mutex.run('b', task('b1', 5));
    await expect(a1).rejects.toThrow('a1');
    await expect(a2).resolves.toBe('a2');
    await expect(b1).resolves.toBe('b1');
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    await new Promise((r) => setTimeout(r, 0));
    expect(mutex.size).toBe(0);
    await expect(mutex.runAll(['b', 'a'], () => Promise.resolve(1))).resolves.toBe(1);
  });
});

describe('KeyedMutex re-entry', () => {
  it('lets a holder take its key again, while others still wait their turn', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const outer = mutex.run('zone', async () => {
      log.push('outer');
      // Without re-entry this would wait for itself forever.
      await mutex.run('zone', async () => {
        log.push('inner');
        await gate;
      });
      log.push('outer done');
    });
    const other = mutex.run('zone', () => {
      log.push('other');
      return Promise.resolve();
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(['outer', 'inner']);
    release();
    await Promise.all([outer, other]);
    expect(log).toEqual(['outer', 'inner', 'outer done', 'other']);
  });

  it('runAll waits for a holder, and a holder re-enters inside runAll', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = mutex.run('b', async () => {
      await gate;
      log.push('b done');
    });
    const all = mutex.runAll(['c', 'b', 'a'], () =>
      mutex.run('b', () => {
        log.push('all');
        return Promise.resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual([]);
    release();
    await Promise.all([held, all]);
    expect(log).toEqual(['b done', 'all']);
    await new Promise((r) => setTimeout(r, 0));
    expect(mutex.size).toBe(0);
  });
});
