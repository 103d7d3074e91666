// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { QueryBuffer, toQueryRow, type QueryRow } from './query-buffer';

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

/** A query published in two steps: the partial from the text log, then its answer facts. */
function partial(seq: number, queryId: string, qname = `p${seq}.example`): QueryRow {
  return { ...row(seq, qname), queryId, partial: true };
}
function completion(seq: number, queryId: string, qname: string, rcode = 'NOERROR'): QueryRow {
  return {
    ...row(seq, qname),
    queryId,
    rcode,
    latencyMs: 3,
    transport: 'udp',
    answer: 'A 192.0.2.10',
    source: 'dnstap',
  };
}

describe('QueryBuffer partial queries', () => {
  it('replaces the partial row in place with its completion, keeping its position and key', async () => {
    const b = new QueryBuffer();
    b.add([row(1), partial(2, 'q-a', 'a.example'), row(3)]);
    b.add([completion(4, 'q-a', 'a.example', 'NXDOMAIN')]);
    const snap = await settled(b);
    expect(snap.rows.map((r) => r.qname)).toEqual(['q3.example', 'a.example', 'q1.example']);
    const done = snap.rows[1]!;
    expect(done).toMatchObject({ id: 'e2', seq: 2, rcode: 'NXDOMAIN', latencyMs: 3 });
    expect(done.partial).toBeUndefined();
  });

  it('pairs a partial and its completion arriving in one history page, in any order', async () => {
    const b = new QueryBuffer();
    b.seed([completion(6, 'q-b', 'b.example'), row(5), partial(4, 'q-b', 'b.example')]);
    const snap = await settled(b);
    expect(snap.rows.map((r) => [r.qname, r.rcode])).toEqual([
      ['q5.example', undefined],
      ['b.example', 'NOERROR'],
    ]);
  });

  it('drops a partial whose completion was already shown (live before the history page)', async () => {
    const b = new QueryBuffer();
    b.add([completion(9, 'q-c', 'c.example')]);
    b.seed([partial(8, 'q-c', 'c.example')]);
    const snap = await settled(b);
    expect(snap.rows.map((r) => [r.id, r.rcode])).toEqual([['e9', 'NOERROR']]);
  });

  it('completes a partial held aside while paused, and does not count it twice', async () => {
    const b = new QueryBuffer();
    b.setPaused(true);
    b.add([partial(1, 'q-d', 'd.example')]);
    b.add([completion(2, 'q-d', 'd.example')]);
    let snap = await settled(b);
    expect(snap.held).toBe(1);
    b.setPaused(false);
    snap = await settled(b);
    expect(snap.rows.map((r) => [r.id, r.rcode])).toEqual([['e1', 'NOERROR']]);
  });

  it('ignores the completion of a partial evicted by the bound or cleared; adds one never seen', async () => {
    const b = new QueryBuffer(2);
    b.add([partial(1, 'q-old', 'old.example')]);
    b.add([row(2), row(3)]); // evicts the partial
    b.add([completion(4, 'q-old', 'old.example')]);
    let snap = await settled(b);
    expect(snap.rows.map((r) => r.qname)).toEqual(['q3.example', 'q2.example']);

    b.add([partial(5, 'q-clr', 'clr.example')]);
    b.clear();
    b.add([completion(6, 'q-clr', 'clr.example')]);
    snap = await settled(b);
    expect(snap.rows).toEqual([]);

    b.add([completion(8, 'q-new', 'new.example')]);
    snap = await settled(b);
    expect(snap.rows.map((r) => [r.qname, r.rcode])).toEqual([['new.example', 'NOERROR']]);
  });

  it('stays bounded under a long stream of partials and completions', async () => {
    const b = new QueryBuffer(50);
    for (let i = 0; i < 2_000; i++) {
      b.add([partial(2 * i, `q${i}`, `n${i}.example`)]);
      if (i % 2 === 0) b.add([completion(2 * i + 1, `q${i}`, `n${i}.example`)]);
    }
    const snap = await settled(b);
    expect(snap.rows).toHaveLength(50);
    expect(new Set(snap.rows.map((r) => r.qname)).size).toBe(50);
    expect(snap.rows[0]).toMatchObject({ qname: 'n1999.example', partial: true });
    expect(snap.rows[1]).toMatchObject({ qname: 'n1998.example', rcode: 'NOERROR' });
  });

  it('keeps the query id out of the row identity', () => {
    const r = toQueryRow({
      id: 'evt-1',
      seq: 7,
      data: { ...row(7), id: 'query-1', partial: true },
    });
    expect(r).toMatchObject({ id: 'evt-1', seq: 7, queryId: 'query-1', partial: true });
  });
});

describe('QueryBuffer RPZ join', () => {
  it('marks the matching row blocked for an RPZ hit, but not for a detection', async () => {
    const b = new QueryBuffer();
    b.add([row(1, 'flood.example'), row(2, 'ads.example')]);
    b.markBlocked({
      qname: 'flood.example',
      clientIp: '192.0.2.1',
      detection: { kind: 'nxdomain_flood' },
    });
    b.markBlocked({ qname: 'ads.example.', clientIp: '192.0.2.1' });
    b.add([row(3, 'flood.example')]); // a later query of the detected name stays unmarked too
    const snap = await settled(b);
    expect(snap.rows.map((r) => [r.qname, r.blocked ?? false])).toEqual([
      ['flood.example', false],
      ['ads.example', true],
      ['flood.example', false],
    ]);
  });
});
