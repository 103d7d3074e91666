import fc from 'fast-check';

/**
 * Generated BIND log lines: mostly shaped like the query and rpz lines named writes (so the
 * parsers get deep before they refuse), every part sometimes hostile (empty, huge, unicode,
 * control characters, a missing separator), and then damaged at the text level.
 */

const months = fc.constantFrom(
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
  'Foo',
  'nov',
  '',
);

const two = fc.oneof(
  fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0')),
  fc.constantFrom('', '9', 'xx', '-1', '٣٣'),
);

const time = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        two,
        months,
        fc.integer({ min: 0, max: 9999 }),
        two,
        two,
        two,
        fc.integer({ min: 0, max: 999 }),
      )
      .map(
        ([d, m, y, h, mi, s, ms]) =>
          `${d}-${m}-${String(y).padStart(4, '0')} ${h}:${mi}:${s}.${String(ms).padStart(3, '0')} `,
      ),
  },
  fc.constant(''),
  fc.string({ maxLength: 30 }),
);

const hostile = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '(',
    ')',
    '): ',
    '#',
    '##',
    '/',
    '[',
    ']',
    '\u0000',
    '\ud800',
    '\t',
    'é',
    '🙂',
    '%ZZ',
  ),
  fc.string({ maxLength: 10, unit: 'binary' }),
  fc.integer({ min: 60, max: 70_000 }).map((n) => 'a'.repeat(n)),
);

/** A value that is usually well-formed and sometimes hostile. */
const part = (good: fc.Arbitrary<string>) => fc.oneof({ weight: 6, arbitrary: good }, hostile);

const ip = part(
  fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('::1', '127.0.0.1', 'fe80::1%eth0')),
);
const port = part(
  fc.oneof(
    fc.integer({ min: 0, max: 70_000 }).map(String),
    fc.constantFrom('-1', '', '99999999999'),
  ),
);
const name = part(
  fc.oneof(fc.domain(), fc.constantFrom('.', 'a', 'x'.repeat(300), 'a\\032b.test')),
);
const qclass = part(fc.constantFrom('IN', 'CH', 'HS', 'ANY', 'CLASS65535'));
const qtype = part(fc.constantFrom('A', 'AAAA', 'MX', 'TXT', 'ANY', 'TYPE65534', 'SOA'));
const flags = part(fc.constantFrom('+', '-', '+E(0)K', '-EDC', '+T', 'E(0)', 'x'.repeat(40)));
const view = fc.option(part(fc.constantFrom('internal', 'external', 'v')), { nil: undefined });
const ecs = fc.option(
  part(
    fc
      .tuple(
        fc.oneof(fc.ipV4(), fc.ipV6()),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 200 }),
      )
      .map(([a, s, sc]) => `${a}/${s}/${sc}`),
  ),
  { nil: undefined },
);
const clientObj = fc.option(part(fc.stringMatching(/^[0-9a-f]{1,16}$/).map((h) => `@0x${h} `)), {
  nil: undefined,
});
const category = fc.option(
  fc.constantFrom(
    'queries: info: ',
    'rpz: info: ',
    'queries: ',
    'security: error: ',
    'x'.repeat(80),
  ),
  { nil: undefined },
);

const prefix = fc
  .record({ time, category, clientObj, ip, port, qname: name, view })
  .map(
    (r) =>
      `${r.time}${r.category ?? ''}client ${r.clientObj ?? ''}${r.ip}#${r.port} (${r.qname}): ` +
      (r.view !== undefined ? `view ${r.view}: ` : ''),
  );

const queryBody = fc
  .record({ qname: name, qclass, qtype, flags, server: ip, ecs })
  .map(
    (r) =>
      `query: ${r.qname} ${r.qclass} ${r.qtype} ${r.flags} (${r.server})` +
      (r.ecs !== undefined ? ` [ECS ${r.ecs}]` : ''),
  );

const rpzBody = fc
  .record({
    disabled: fc.boolean(),
    trigger: part(fc.constantFrom('QNAME', 'IP', 'NSIP', 'NSDNAME', 'CLIENT-IP')),
    policy: part(
      fc.constantFrom(
        'NXDOMAIN',
        'NODATA',
        'DROP',
        'TCP-ONLY',
        'PASSTHRU',
        'Local-Data',
        'CNAME',
        'nxdomain',
      ),
    ),
    qname: name,
    qtype,
    qclass,
    via: part(
      fc.oneof(
        fc.domain().map((d) => `${d}.rpz.local`),
        fc.domain(),
        fc.constantFrom('rpz.local', '.rpz.local', '*.x.rpz.local'),
      ),
    ),
    cname: fc.option(name, { nil: undefined }),
  })
  .map(
    (r) =>
      `${r.disabled ? 'disabled ' : ''}rpz ${r.trigger} ${r.policy} rewrite ${r.qname}/${r.qtype}/${r.qclass} via ${r.via}` +
      (r.cname !== undefined ? ` (CNAME to: ${r.cname})` : ''),
  );

type Damage =
  { kind: 'none' } | { kind: 'cut'; at: number } | { kind: 'insert'; at: number; text: string };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: hostile }),
);

function applyDamage(line: string, d: Damage): string {
  if (d.kind === 'none') return line;
  const at = d.at % (line.length + 1);
  return d.kind === 'cut' ? line.slice(0, at) : line.slice(0, at) + d.text + line.slice(at);
}

/** One log line (without its newline). */
/** Transfer lines as named logs them (xfer-out, xfer-in, security), every part fuzzed. */
const serialText = part(
  fc.oneof(fc.integer({ min: 0, max: 4_294_967_295 }).map(String), fc.constantFrom('-1', '1e9')),
);
const xferLine = fc
  .record({
    time,
    clientObj,
    ip,
    port,
    zone: name,
    key: fc.option(part(fc.constantFrom('xfr-key', 'k', '"q"')), { nil: undefined }),
    kind: part(fc.constantFrom('AXFR', 'IXFR', 'AXFR-style IXFR')),
    serial: serialText,
    shape: fc.integer({ min: 0, max: 4 }),
  })
  .map((r) => {
    const peer = `${r.ip}#${r.port}`;
    const client = `client ${r.clientObj ?? ''}${peer}${r.key ? `/key ${r.key}` : ''} (${r.zone})`;
    const of = `transfer of '${r.zone}/IN'`;
    switch (r.shape) {
      case 0:
        return `${r.time}xfer-out: info: ${client}: ${of}: ${r.kind} ended: 1 messages, 5 records, 246 bytes, 0.001 secs (246000 bytes/sec) (serial ${r.serial})`;
      case 1:
        return `${r.time}security: error: ${client}: zone transfer '${r.zone}/AXFR/IN' denied`;
      case 2:
        return `${r.time}xfer-in: info: ${of} from ${peer}: connected using 127.0.0.1#53${r.key ? ` TSIG ${r.key}` : ''}`;
      case 3:
        return `${r.time}xfer-in: info: ${of} from ${peer}: Transfer completed: 1 messages, 5 records, 246 bytes, 0.004 secs (61500 bytes/sec) (serial ${r.serial})`;
      default:
        return `${r.time}general: info: zone ${r.zone}/IN: refresh: failure trying primary ${peer} (source 0.0.0.0#0): tsig indicates error`;
    }
  });

export const logLine: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.tuple(prefix, queryBody).map(([p, b]) => p + b) },
      { weight: 4, arbitrary: fc.tuple(prefix, rpzBody).map(([p, b]) => p + b) },
      { weight: 3, arbitrary: xferLine },
      fc.string({ maxLength: 200 }),
      fc.string({ maxLength: 100, unit: 'binary' }),
    ),
    damage,
  )
  .map(([line, d]) => applyDamage(line, d).replace(/\n/g, ' '));
