/**
 * BIND 9.18 query-log lines (print-time, category and severity on), the shape named writes with
 * the managed config: IPv4 and IPv6 clients, views, ECS options, the usual flag sets.
 */

const QTYPES = ['A', 'AAAA', 'HTTPS', 'MX', 'TXT', 'PTR', 'SRV', 'CNAME'];
const FLAGS = ['+', '+E(0)', '+E(0)K', '-E(0)DC', '+ET(0)', '+E(0)CV'];

function stamp(d: Date): string {
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCDate())}-${mon}-${d.getUTCFullYear()} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`
  );
}

/** Line `i` of a synthetic log; `qname` overrides the generated name (latency probes). */
export function queryLine(i: number, qname?: string, at = new Date(Date.UTC(2025, 0, 15))): string {
  const ip =
    i % 5 === 0 ? `2001:db8::${(i & 0xffff).toString(16)}` : `10.${(i >> 8) & 255}.${i & 255}.7`;
  const name = qname ?? `host${i % 997}.zone${i % 31}.example.com`;
  const qtype = QTYPES[i % QTYPES.length] ?? 'A';
  const view = i % 3 === 0 ? ' view internal:' : '';
  const ecs = i % 7 === 0 ? ' [ECS 2001:db8::/48/0]' : '';
  return (
    `${stamp(at)} queries: info: client ` +
    `@0x7f8b2c${(i % 4096).toString(16).padStart(4, '0')} ${ip}#${1024 + (i % 60000)} (${name}):` +
    `${view} query: ${name} IN ${qtype} ${FLAGS[i % FLAGS.length] ?? '+'} (10.0.0.1)${ecs}`
  );
}

/** The qname of latency probe `n`: unique, so the receiver can find its write time. */
export function probeName(n: number): string {
  return `p${n}.latency.bench.example`;
}

export function parseProbeName(qname: string): number | null {
  const m = /^p(\d+)\.latency\.bench\.example$/.exec(qname);
  return m ? Number(m[1]) : null;
}
