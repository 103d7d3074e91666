import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  EVENT_CATALOGUE,
  EXAMPLE_EVENTS,
  parseEventData,
  REDACTED,
  ROLES,
  type EventType,
  type Role,
} from '@hdns/protocol';
import { startHub, TestClient, token } from '@hdns/testkit';

// The oracle below restates the visibility rules from the catalogue's data in the simplest
// possible way, independently of the hub's authorizer and the protocol's redaction helpers.
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const ZONES = ['a.test', 'b.test', 'c.test'];
const TYPES: EventType[] = [
  'zone_created',
  'record_updated',
  'bind_reload',
  'bulk_operation_progress',
  'dns_query_log',
  'query_stats',
  'user_login',
  'session_expired',
  'security_alert',
  'threat_detected',
  'health_alert',
  'config_change',
  'system_metrics',
];
const ITEMS = ['*', ...CATEGORIES, ...TYPES, 'nonsense'];

interface UserCase {
  role: Role;
  zones: string[] | null;
  subscribe: string[];
}
interface EventCase {
  type: EventType;
  zone: string | null;
  audience: Role | undefined;
}

const userArb: fc.Arbitrary<UserCase> = fc.record({
  role: fc.constantFrom(...ROLES),
  zones: fc.option(fc.subarray(ZONES), { nil: null }),
  subscribe: fc.subarray(ITEMS, { minLength: 1 }),
});
const eventArb: fc.Arbitrary<EventCase> = fc.record({
  type: fc.constantFrom(...TYPES),
  zone: fc.constantFrom<string | null>(...ZONES, 'A.TEST.', 'other.test', null),
  audience: fc.constantFrom<Role | undefined>(undefined, undefined, 'operator', 'admin'),
});

function subscribedTypes(u: UserCase): Set<EventType> {
  const out = new Set<EventType>();
  for (const item of u.subscribe) {
    for (const t of TYPES) {
      const spec = EVENT_CATALOGUE[t];
      if (item === '*' || item === t || item === spec.category) {
        if (RANK[u.role] >= RANK[spec.minRole]) out.add(t);
      }
    }
  }
  return out;
}

function zoneOf(data: unknown): string | null {
  const z = (data as { zone?: unknown }).zone;
  return typeof z === 'string' ? z.toLowerCase().replace(/\.$/, '') : null;
}

function mayGet(u: UserCase, e: EventCase, data: unknown): boolean {
  const spec = EVENT_CATALOGUE[e.type];
  if (RANK[u.role] < RANK[spec.minRole]) return false;
  if (e.audience && RANK[u.role] < RANK[e.audience]) return false;
  if (spec.zoneScoped && u.role !== 'admin' && u.zones !== null) {
    const zone = zoneOf(data);
    if (zone !== null && !u.zones.includes(zone)) return false;
  }
  return true;
}

/** Values at a sensitive path (`a.b`, `list[].ip`). */
function valuesAt(data: unknown, path: string): unknown[] {
  let current: unknown[] = [data];
  for (const seg of path.split('.')) {
    const each = seg.endsWith('[]');
    const name = each ? seg.slice(0, -2) : seg;
    const next: unknown[] = [];
    for (const v of current) {
      if (typeof v !== 'object' || v === null) continue;
      const child = (v as Record<string, unknown>)[name];
      if (each && Array.isArray(child)) next.push(...(child as unknown[]));
      else if (!each && child !== undefined) next.push(child);
    }
    current = next;
  }
  return current;
}

function payload(e: EventCase): unknown {
  const base = EXAMPLE_EVENTS[e.type] as Record<string, unknown>;
  if (!EVENT_CATALOGUE[e.type].zoneScoped) return base;
  const withZone = { ...base, zone: e.zone };
  return parseEventData(e.type, withZone).ok ? withZone : base;
}

describe('hub: visibility property', () => {
  it('no one receives an event or a field they may not see, and everyone gets what they may', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(userArb, { minLength: 1, maxLength: 5 }),
        fc.array(eventArb, { minLength: 1, maxLength: 15 }),
        async (users, events) => {
          const t = await startHub();
          try {
            const clients = await Promise.all(
              users.map((u, i) =>
                TestClient.connect(t.url, {
                  token: token(`u${i}`, u.role, u.zones),
                  subscribe: [...u.subscribe, 'admin_broadcast'],
                }),
              ),
            );
            const published: { seq: number; data: unknown; e: EventCase }[] = [];
            for (const e of events) {
              const data = payload(e);
              const logged = await t.hub.publish(
                e.type,
                data as never,
                e.audience ? { audience: e.audience } : {},
              );
              published.push({ seq: logged.seq, data, e });
            }
            const sentinel = await t.hub.publish('admin_broadcast', EXAMPLE_EVENTS.admin_broadcast);
            await Promise.all(
              clients.map(({ client }) =>
                client.waitFor(() => (client.through >= sentinel.seq ? true : undefined)),
              ),
            );

            users.forEach((u, i) => {
              const client = clients[i]!.client;
              const got = client.events.filter((ev) => ev.seq !== sentinel.seq);
              const types = subscribedTypes(u);
              const expected = published
                .filter((p) => types.has(p.e.type) && mayGet(u, p.e, p.data))
                .map((p) => p.seq);
              expect(got.map((ev) => ev.seq).sort((a, b) => a - b)).toEqual(expected);
              for (const ev of got) {
                const original = published.find((p) => p.seq === ev.seq)!;
                for (const [path, least] of Object.entries(EVENT_CATALOGUE[ev.event].sensitive)) {
                  const seen = valuesAt(ev.data, path);
                  if (RANK[u.role] < RANK[least]) {
                    for (const v of seen) expect(v === REDACTED || v === null).toBe(true);
                  } else {
                    expect(seen).toEqual(valuesAt(original.data, path));
                  }
                }
              }
            });
          } finally {
            await t.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
