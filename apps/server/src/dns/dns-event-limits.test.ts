import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEventData } from '@hdns/protocol';
import { forwarderInputSchema, zoneCreateSchema } from '@hdns/protocol/rest';
import { MAX_FORWARDERS } from './forwarder-service.js';
import { recordInputSchema } from './record-input.js';
import { newRecord, recordObject, zoneObject, type Zone } from './zone-store.js';

/**
 * "Event schemas accept everything the API accepts": any record or zone the REST schemas let
 * through must give a change event the catalogue accepts, or the outbox would refuse the change
 * (EVENT_NOT_REPRESENTABLE). Inputs are generated at and around every limit, including the
 * worst case for escaping (a TXT value of 4,000 `"`), then filtered by the API's own schema.
 */

const SEED = 20261204;
const RUNS = 400;

/** Characters that stress presentation: quotes and backslashes double, astral ones are 2 units. */
const textUnit = fc.constantFrom('"', '\\', 'a', 'Z', ' ', '\t', 'é', '😀', ';', '(', '.');
const label = fc.stringMatching(/^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/);
const host = fc
  .array(label, { minLength: 1, maxLength: 8 })
  .map((labels) => labels.join('.'))
  .chain((name) => fc.constantFrom(name, `${name}.`, '.'));
const owner = fc.oneof(
  fc.constant('@'),
  fc.constant('*'),
  host,
  host.map((h) => `*.${h}`),
);
const u16 = fc.oneof(fc.constantFrom(0, 65_535), fc.integer({ min: 0, max: 65_535 }));
const ttl = fc.option(fc.oneof(fc.constantFrom(0, 2_147_483_647), fc.nat()), { nil: undefined });

const recordInput = fc.oneof(
  fc.record({
    type: fc.constant('TXT'),
    value: fc.oneof(
      fc.string({ unit: textUnit, minLength: 1, maxLength: 4000 }),
      fc.constantFrom('"'.repeat(4000), '\\'.repeat(4000), '"'.repeat(2100), '😀'.repeat(2000)),
    ),
  }),
  fc.record({ type: fc.constant('A'), value: fc.ipV4() }),
  fc.record({ type: fc.constant('AAAA'), value: fc.ipV6() }),
  fc.record({ type: fc.constantFrom('CNAME', 'NS', 'PTR'), value: host }),
  fc.record({ type: fc.constant('MX'), value: host, priority: u16 }),
  fc.record({ type: fc.constant('SRV'), value: host, priority: u16, weight: u16, port: u16 }),
  fc.record({
    type: fc.constant('CAA'),
    value: fc.string({ unit: textUnit, minLength: 1, maxLength: 255 }),
    flags: fc.integer({ min: 0, max: 255 }),
    tag: fc.constantFrom('issue', 'issuewild', 'iodef'),
  }),
);

const ZONE: Zone = {
  id: 'z1',
  name: 'example.test',
  type: 'primary',
  serial: 4_294_967_295,
  defaultTtl: 3600,
  soa: null,
  forwarders: [],
  forwardPolicy: null,
  description: null,
  dnssecPolicy: null,
  primaries: [],
  tsigKeyId: null,
  tsigKeyName: null,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('event schemas accept every change the API accepts', () => {
  it('any record the record schema accepts gives valid record_created/updated/deleted events', () => {
    let accepted = 0;
    fc.assert(
      fc.property(owner, ttl, recordInput, (name, ttlValue, body) => {
        const input = recordInputSchema.safeParse({ name, ttl: ttlValue, ...body });
        if (!input.success) return;
        accepted++;
        const record = recordObject(newRecord(ZONE.name, input.data, ZONE.updatedAt), 3600);
        const base = { zone: ZONE.name, recordId: record.id, serial: 4_294_967_295 };
        for (const [type, data] of [
          ['record_created', { ...base, before: null, after: record }],
          ['record_updated', { ...base, before: record, after: record }],
          ['record_deleted', { ...base, before: record, after: null }],
        ] as const) {
          const parsed = parseEventData(type, data);
          expect(parsed.ok ? 'ok' : parsed.message, `${type} for ${body.type}`).toBe('ok');
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The generators must mostly produce accepted records, or this would prove little.
    expect(accepted).toBeGreaterThan(RUNS / 2);
  });

  it('the issue case: a TXT value of 2,100 `"` is accepted and its event is valid', () => {
    const input = recordInputSchema.parse({ name: 'q', type: 'TXT', value: '"'.repeat(2100) });
    const after = recordObject(newRecord(ZONE.name, input, ZONE.updatedAt), 3600);
    expect(after.value.length).toBe(4202);
    const parsed = parseEventData('record_created', {
      zone: ZONE.name,
      recordId: after.id,
      before: null,
      after,
    });
    expect(parsed.ok).toBe(true);
  });

  it('any zone the create schema accepts gives a valid zone_created event', () => {
    let accepted = 0;
    const forwarder = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.stringMatching(/^[0-9a-fA-F:]{1,80}$/),
      // Around the address bound: what the API's pattern allows, at and past 64 characters.
      fc
        .tuple(fc.integer({ min: 60, max: 80 }), fc.constantFrom('f', ':', '0'))
        .map(([n, c]) => c.repeat(n)),
      fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 99_999 })).map(([a, p]) => `${a}#${p}`),
    );
    fc.assert(
      fc.property(
        fc.record({
          name: fc.oneof(
            fc.array(label, { minLength: 1, maxLength: 6 }).map((l) => l.join('.')),
            fc.constant(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}`),
          ),
          type: fc.constantFrom('primary', 'forward'),
          defaultTtl: fc.option(fc.nat(), { nil: undefined }),
          forwarders: fc.array(forwarder, { maxLength: 40 }),
          description: fc.option(fc.string({ unit: textUnit, maxLength: 600 }), {
            nil: undefined,
          }),
        }),
        (raw) => {
          const input = zoneCreateSchema.safeParse(raw);
          if (!input.success) return;
          accepted++;
          const zone: Zone = {
            ...ZONE,
            name: input.data.name,
            type: input.data.type,
            defaultTtl: input.data.defaultTtl ?? 3600,
            forwarders: input.data.forwarders ?? [],
            forwardPolicy: input.data.type === 'forward' ? 'only' : null,
            description: input.data.description ?? null,
          };
          const parsed = parseEventData('zone_created', {
            zone: zone.name,
            before: null,
            after: zoneObject(zone, 0),
          });
          expect(parsed.ok ? 'ok' : parsed.message).toBe('ok');
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it('the most global forwarders allowed, at their longest, fit config_change', () => {
    const longest = forwarderInputSchema.parse({
      name: 'f',
      address: 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255',
      port: 65_535,
    });
    const rendered = Array.from(
      { length: MAX_FORWARDERS },
      () => `${longest.address}#${longest.port}`,
    ).join(', ');
    const parsed = parseEventData('config_change', {
      scope: 'forwarders',
      key: 'forwarders',
      before: rendered,
      after: rendered,
    });
    expect(parsed.ok).toBe(true);
  });
});
