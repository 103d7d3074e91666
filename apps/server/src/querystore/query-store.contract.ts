import { afterEach, describe, expect, it } from 'vitest';
import { querySearchSchema, type QueryRecord, type QuerySearchInput } from '@hdns/protocol/rest';
import type { QueryFacts } from '../queries/query-facts.js';
import { answeredQuery } from '../queries/query-facts-fixture.js';
import { DAY_MS, type QueryStore, type QueryStoreLimits } from './query-store.js';

export type QueryStoreFactory = (limits?: Partial<QueryStoreLimits>) => Promise<QueryStore>;

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

/** The shared fixture with this suite's defaults (its searches are written against them). */
export function queryFacts(over: Partial<QueryFacts> = {}): QueryFacts {
  return answeredQuery({
    tsMs: T0,
    clientIp: '192.0.2.10',
    clientPort: 5353,
    qname: 'www.example.com',
    flags: '+E(0)K',
    latencyMs: 1.5,
    ...over,
  });
}

/** The query store's contract, the same on every backend. */
export function queryStoreContract(name: string, factory: QueryStoreFactory): void {
  describe(`${name}: query store contract`, () => {
    const open: QueryStore[] = [];
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close();
    });
    const fresh = async (limits?: Partial<QueryStoreLimits>) => {
      const s = await factory(limits);
      open.push(s);
      return s;
    };
    const search = async (s: QueryStore, q: QuerySearchInput) =>
      (await s.search(querySearchSchema.parse(q))).items;
    const names = (items: QueryRecord[]) => items.map((r) => r.qname).sort();

    it('stores every fact and gives it back newest first', async () => {
      const s = await fresh();
      const rows = [
        queryFacts({ tsMs: T0, qname: 'a.test' }),
        queryFacts({
          tsMs: T0 + 1000,
          qname: 'b.test',
          clientIp: '2001:db8::1',
          rcode: null,
          responseFlags: null,
          answerCount: null,
          answer: null,
          responseSize: null,
          latencyMs: null,
          node: null,
          blocked: true,
          rpzAction: 'NXDOMAIN',
          source: 'querylog',
          transport: 'tcp',
        }),
      ];
      await s.insert(rows);
      const items = await search(s, {});
      expect(items.map((r) => r.qname)).toEqual(['b.test', 'a.test']);
      const [b, a] = items;
      const { tsMs: _b, ...bFacts } = rows[1] as QueryFacts;
      const { tsMs: _a, ...aFacts } = rows[0] as QueryFacts;
      expect(b).toEqual({ ...bFacts, id: b?.id });
      expect(a).toEqual({ ...aFacts, id: a?.id });
      expect(a?.id).not.toBe(b?.id);
    });

    it('filters by time range, qtype, rcode, blocked, latency, transport and node', async () => {
      const s = await fresh();
      await s.insert([
        queryFacts({ tsMs: T0, qname: 'early.test' }),
        queryFacts({ tsMs: T0 + 10_000, qname: 'aaaa.test', qtype: 'AAAA' }),
        queryFacts({ tsMs: T0 + 20_000, qname: 'nx.test', rcode: 'NXDOMAIN' }),
        queryFacts({ tsMs: T0 + 30_000, qname: 'sf.test', rcode: 'SERVFAIL' }),
        queryFacts({ tsMs: T0 + 40_000, qname: 'blk.test', blocked: true }),
        queryFacts({ tsMs: T0 + 50_000, qname: 'slow.test', latencyMs: 250 }),
        queryFacts({ tsMs: T0 + 60_000, qname: 'dot.test', transport: 'dot' }),
        queryFacts({ tsMs: T0 + 70_000, qname: 'ns2.test', node: 'ns2' }),
      ]);
      const iso = (ms: number) => new Date(ms).toISOString();
      expect(names(await search(s, { from: iso(T0 + 10_000), to: iso(T0 + 30_000) }))).toEqual([
        'aaaa.test',
        'nx.test',
      ]);
      expect(names(await search(s, { qtype: 'aaaa' }))).toEqual(['aaaa.test']);
      expect(names(await search(s, { rcode: 'NXDOMAIN,SERVFAIL' }))).toEqual([
        'nx.test',
        'sf.test',
      ]);
      expect(names(await search(s, { blocked: 'true' }))).toEqual(['blk.test']);
      expect(await search(s, { blocked: 'false' })).toHaveLength(7);
      expect(names(await search(s, { minLatencyMs: 100 }))).toEqual(['slow.test']);
      expect(names(await search(s, { transport: 'dot,doh' }))).toEqual(['dot.test']);
      expect(names(await search(s, { node: 'ns2' }))).toEqual(['ns2.test']);
      expect(
        names(await search(s, { rcode: 'NOERROR', qtype: 'A', node: 'ns1', transport: 'udp' })),
      ).toEqual(['blk.test', 'early.test', 'slow.test']);
    });

    it('finds a client by address or CIDR, IPv4 and IPv6', async () => {
      const s = await fresh();
      const clients = [
        '10.1.2.3',
        '10.1.2.200',
        '10.1.3.1',
        '11.0.0.1',
        '2001:db8::1',
        '2001:db8:0:1::5',
        '2001:db9::1',
        '::1',
      ];
      await s.insert(
        clients.map((clientIp, i) => queryFacts({ tsMs: T0 + i, clientIp, qname: `c${i}.test` })),
      );
      const ips = async (client: string) =>
        (await search(s, { client })).map((r) => r.clientIp).sort();
      expect(await ips('10.1.2.3')).toEqual(['10.1.2.3']);
      expect(await ips('10.1.2.0/24')).toEqual(['10.1.2.200', '10.1.2.3']);
      expect(await ips('10.0.0.0/8')).toEqual(['10.1.2.200', '10.1.2.3', '10.1.3.1']);
      expect(await ips('0.0.0.0/0')).toHaveLength(4);
      expect(await ips('2001:db8::/32')).toEqual(['2001:db8:0:1::5', '2001:db8::1']);
      expect(await ips('2001:db8::/64')).toEqual(['2001:db8::1']);
      expect(await ips('2001:0db8:0000::0001')).toEqual(['2001:db8::1']);
      expect(await ips('::1')).toEqual(['::1']);
      expect(await ips('10.9.9.9')).toEqual([]);
    });

    it('matches names exactly, by suffix (the name and under it) and by substring', async () => {
      const s = await fresh();
      const all = [
        'example.com',
        'a.example.com',
        'x.y.example.com',
        'badexample.com',
        'example.com.evil.net',
        'example-shop.com',
        'examplex.com',
        'com',
      ];
      await s.insert(all.map((qname, i) => queryFacts({ tsMs: T0 + i, qname })));
      expect(names(await search(s, { name: 'example.com', nameMatch: 'exact' }))).toEqual([
        'example.com',
      ]);
      expect(names(await search(s, { name: 'Example.COM.', nameMatch: 'suffix' }))).toEqual([
        'a.example.com',
        'example.com',
        'x.y.example.com',
      ]);
      expect(names(await search(s, { name: 'example.com' }))).toHaveLength(3);
      expect(names(await search(s, { name: 'y.example.com' }))).toEqual(['x.y.example.com']);
      expect(names(await search(s, { name: 'com' }))).toHaveLength(7);
      expect(names(await search(s, { name: 'example.com', nameMatch: 'substring' }))).toEqual([
        'a.example.com',
        'badexample.com',
        'example.com',
        'example.com.evil.net',
        'x.y.example.com',
      ]);
      expect(names(await search(s, { name: 'ple-sh', nameMatch: 'substring' }))).toEqual([
        'example-shop.com',
      ]);
      // LIKE wildcards are plain characters in a substring search.
      expect(await search(s, { name: 'exa%', nameMatch: 'substring' })).toEqual([]);
      expect(await search(s, { name: 'e_ample', nameMatch: 'substring' })).toEqual([]);
    });

    it('pages through more than three pages with no gap and no duplicate, equal times included', async () => {
      const s = await fresh();
      // 7 rows per ms over 50 ms, inserted out of time order across two batches.
      const rows = Array.from({ length: 350 }, (_, i) =>
        queryFacts({ tsMs: T0 + (i % 50), qname: `p${i}.test` }),
      );
      await s.insert(rows.slice(0, 175).reverse());
      await s.insert(rows.slice(175));
      const seen: QueryRecord[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await s.search(
          querySearchSchema.parse({ limit: 33, ...(cursor ? { cursor } : {}) }),
        );
        seen.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).toBe(11);
      expect(new Set(seen.map((r) => r.id)).size).toBe(350);
      expect(names(seen)).toEqual(names(rows.map((r) => ({ ...r, id: '' }))));
      const times = seen.map((r) => Date.parse(r.ts));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      // A filtered search pages the same way.
      const filtered: QueryRecord[] = [];
      cursor = undefined;
      do {
        const page = await s.search(
          querySearchSchema.parse({
            name: 'p1',
            nameMatch: 'substring',
            limit: 10,
            ...(cursor ? { cursor } : {}),
          }),
        );
        filtered.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const expected = rows.filter((r) => r.qname.includes('p1'));
      expect(new Set(filtered.map((r) => r.id)).size).toBe(expected.length);
      expect(filtered).toHaveLength(expected.length);
    });

    it('refuses a cursor it did not produce with BAD_CURSOR', async () => {
      const s = await fresh();
      await s.insert([queryFacts(), queryFacts({ tsMs: T0 + 1 })]);
      const page = await s.search(querySearchSchema.parse({ limit: 1 }));
      expect(page.nextCursor).not.toBeNull();
      const good = page.nextCursor ?? '';
      const forged = Buffer.from(
        Buffer.from(good, 'base64url')
          .toString()
          .replace(/\.(\d+)\./, '.9$1.'),
      ).toString('base64url');
      for (const cursor of [
        'garbage',
        forged,
        `${good}x`,
        Buffer.from('q1.1.1.x').toString('base64url'),
      ]) {
        await expect(s.search(querySearchSchema.parse({ cursor }))).rejects.toMatchObject({
          code: 'BAD_CURSOR',
        });
      }
    });

    it('keeps rows of several days apart and searches across them', async () => {
      const s = await fresh({ retentionDays: 30 });
      await s.insert(
        [0, 1, 2, 3].map((d) => queryFacts({ tsMs: T0 + d * DAY_MS, qname: `d${d}.test` })),
      );
      expect((await search(s, {})).map((r) => r.qname)).toEqual([
        'd3.test',
        'd2.test',
        'd1.test',
        'd0.test',
      ]);
      const page1 = await s.search(querySearchSchema.parse({ limit: 3 }));
      const page2 = await s.search(
        querySearchSchema.parse({ limit: 3, cursor: page1.nextCursor ?? '' }),
      );
      expect(page2.items.map((r) => r.qname)).toEqual(['d0.test']);
      expect(page2.nextCursor).toBeNull();
      const status = await s.status();
      expect(status).toMatchObject({
        rows: 4,
        oldest: new Date(T0).toISOString(),
        newest: new Date(T0 + 3 * DAY_MS).toISOString(),
      });
      expect(status.bytes).toBeGreaterThan(0);
    });

    it('prunes by age', async () => {
      const s = await fresh({ retentionDays: 2 });
      await s.insert(
        [0, 1, 2, 3, 4].map((d) => queryFacts({ tsMs: T0 + d * DAY_MS, qname: `d${d}.test` })),
      );
      // The cutoff is exactly d2's time: older rows go, d2 stays.
      const { removedRows } = await s.prune(T0 + 4 * DAY_MS);
      expect(removedRows).toBe(2);
      expect((await search(s, {})).map((r) => r.qname)).toEqual(['d4.test', 'd3.test', 'd2.test']);
      expect((await s.status()).rows).toBe(3);
      expect((await s.prune(T0 + 4 * DAY_MS)).removedRows).toBe(0);
    });

    it('prunes by size, oldest day first, keeping the newest', async () => {
      const days = [0, 1, 2, 3].map((d) =>
        Array.from({ length: 200 }, (_, i) =>
          queryFacts({ tsMs: T0 + d * DAY_MS + i, qname: `n${i}.d${d}.test` }),
        ),
      );
      const full = await fresh({ retentionDays: 3650 });
      for (const day of days) await full.insert(day);
      const { bytes, rows, newest } = await full.status();
      expect(rows).toBe(800);
      // Room for a bit more than half of it: the oldest days go, whole, until it fits.
      const s = await fresh({ retentionDays: 3650, maxBytes: Math.floor(bytes * 0.6) });
      for (const day of days) await s.insert(day);
      const { removedRows } = await s.prune(T0 + 4 * DAY_MS);
      expect(removedRows % 200).toBe(0);
      expect(removedRows).toBeGreaterThanOrEqual(200);
      expect(removedRows).toBeLessThanOrEqual(600);
      const after = await s.status();
      expect(after.rows).toBe(800 - removedRows);
      expect(after.newest).toBe(newest);
      const left = await search(s, { limit: 500 });
      const keptDays = 4 - removedRows / 200;
      const expected = days
        .slice(4 - keptDays)
        .flat()
        .map((r) => r.qname)
        .sort();
      expect(left.map((r) => r.qname).sort()).toEqual(expected);
    });

    it('summarizes one client over a time range', async () => {
      const s = await fresh();
      await s.insert([
        queryFacts({ tsMs: T0, qname: 'a.test' }),
        queryFacts({ tsMs: T0 + 1, qname: 'a.test', qtype: 'AAAA' }),
        queryFacts({ tsMs: T0 + 2, qname: 'ads.test', blocked: true, rcode: 'NXDOMAIN' }),
        queryFacts({ tsMs: T0 + 3, qname: 'b.test', rcode: 'SERVFAIL' }),
        queryFacts({ tsMs: T0 + 4, qname: 'a.test', clientIp: '192.0.2.11' }),
        queryFacts({ tsMs: T0 + DAY_MS, qname: 'late.test' }),
      ]);
      const summary = await s.clientSummary('192.0.2.10', T0, T0 + 1000);
      expect(summary).toEqual({
        ip: '192.0.2.10',
        from: new Date(T0).toISOString(),
        to: new Date(T0 + 1000).toISOString(),
        total: 4,
        blocked: 1,
        rcodes: { NOERROR: 2, NXDOMAIN: 1, SERVFAIL: 1 },
        qtypes: { A: 3, AAAA: 1 },
        topNames: [
          { name: 'a.test', count: 2 },
          { name: 'ads.test', count: 1 },
          { name: 'b.test', count: 1 },
        ],
        topBlocked: [{ name: 'ads.test', count: 1 }],
        firstSeen: new Date(T0).toISOString(),
        lastSeen: new Date(T0 + 3).toISOString(),
      });
      const empty = await s.clientSummary('2001:db8::9', T0, T0 + 1000);
      expect(empty).toMatchObject({ ip: '2001:db8::9', total: 0, firstSeen: null, topNames: [] });
    });

    it('closes idempotently', async () => {
      const s = await factory();
      await s.close();
      await s.close();
    });
  });
}
