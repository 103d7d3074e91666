// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { QueryBuffer, type QueryRow } from './query-buffer';

function row(seq: number, qname = `q${seq}.example`): QueryRow {
  return {
    id: `e${seq}`,
    seq,
    ts: '2026-11-30T12:00:00.000Z',
    clientIp: '192.0.2.1',
    clientPort: 5353,
    qname,
    qclass: 'IN',
    qtype: 'A',
    flags: '+',
    server: '127.0.0.1',
  };
}

/** The snapshot is published on the next animation frame. */
async function settled(buffer: QueryBuffer): Promise<ReturnType<QueryBuffer['getSnapshot']>> {
  const off = buffer.subscribe(() => undefined);
  await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  await new Promise((resolve) => setTimeout(resolve, 0));
  off();
  return buffer.getSnapshot();
}

describe('QueryBuffer', () => {
  it('merges a late history page below newer live rows, newest first, without duplicates', async () => {
    const b = new QueryBuffer();
    b.add([row(10), row(12)]);
    b.seed([row(3), row(11), row(12), row(7)]);
    const snap = await settled(b);
    expect(snap.rows.map((r) => r.seq)).toEqual([12, 11, 10, 7, 3]);
  });

  it('shows history while paused without counting it as new; live rows wait for resume', async () => {
    const b = new QueryBuffer();
    b.add([row(5)]);
    b.setPaused(true);
    b.seed([row(1), row(2)]);
    b.add([row(6), row(7), row(7)]);
    let snap = await settled(b);
    expect(snap.rows.map((r) => r.seq)).toEqual([5, 2, 1]);
    expect(snap.held).toBe(2);
    b.setPaused(false);
    snap = await settled(b);
    expect(snap.rows.map((r) => r.seq)).toEqual([7, 6, 5, 2, 1]);
    expect(snap.held).toBe(0);
  });

  it('keeps at most its capacity, dropping the oldest', async () => {
    const b = new QueryBuffer(3);
    b.seed([row(1), row(2), row(3), row(4)]);
    b.add([row(5)]);
    const snap = await settled(b);
    expect(snap.rows.map((r) => r.seq)).toEqual([5, 4, 3]);
  });
});
