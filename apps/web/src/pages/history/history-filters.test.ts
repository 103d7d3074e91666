import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  EMPTY_FILTERS,
  filtersFromParams,
  filtersToParams,
  pageSizeFromParams,
  searchOf,
  type HistoryFilters,
} from './history-filters';

const NOW = Date.parse('2025-03-10T12:00:00.000Z');

const FULL: HistoryFilters = {
  range: { kind: 'custom', from: '2025-03-10T00:00:00.000Z', to: '2025-03-10T06:00:00.000Z' },
  client: '192.0.2.0/24',
  name: 'example.com',
  nameMatch: 'substring',
  qtype: 'A,AAAA',
  rcode: 'NXDOMAIN',
  blocked: 'true',
  minLatencyMs: '25',
  transport: 'tcp',
  node: 'ns1',
};

describe('history filters in the URL', () => {
  it('round-trips every filter and the page size', () => {
    const params = filtersToParams(FULL, 500);
    expect(filtersFromParams(new URLSearchParams(params.toString()))).toEqual(FULL);
    expect(pageSizeFromParams(params)).toBe(500);
  });

  it('writes nothing for the defaults', () => {
    expect(filtersToParams(EMPTY_FILTERS, 100).toString()).toBe('');
    expect(filtersFromParams(new URLSearchParams())).toEqual(EMPTY_FILTERS);
  });

  it('keeps the match mode only with a name', () => {
    const params = filtersToParams({ ...EMPTY_FILTERS, nameMatch: 'exact' }, 100);
    expect(params.has('match')).toBe(false);
    const named = filtersToParams({ ...EMPTY_FILTERS, name: 'a.test', nameMatch: 'exact' }, 100);
    expect(named.get('match')).toBe('exact');
  });

  it('ignores values it does not know instead of sending them', () => {
    const f = filtersFromParams(
      new URLSearchParams('match=regex&blocked=maybe&transport=carrier-pigeon&size=7'),
    );
    expect(f.nameMatch).toBe('suffix');
    expect(f.blocked).toBe('');
    expect(f.transport).toBe('');
    expect(pageSizeFromParams(new URLSearchParams('size=7'))).toBe(100);
  });
});

describe('the API query of the filters', () => {
  it('sends every set filter and the resolved time range', () => {
    expect(searchOf(FULL, NOW)).toEqual({
      from: '2025-03-10T00:00:00.000Z',
      to: '2025-03-10T06:00:00.000Z',
      client: '192.0.2.0/24',
      name: 'example.com',
      nameMatch: 'substring',
      qtype: 'A,AAAA',
      rcode: 'NXDOMAIN',
      blocked: 'true',
      minLatencyMs: '25',
      transport: 'tcp',
      node: 'ns1',
    });
  });

  it('sends only the time range when nothing else is set', () => {
    expect(searchOf(EMPTY_FILTERS, NOW)).toEqual({ from: '2025-03-10T11:00:00.000Z' });
    expect(activeFilterCount(EMPTY_FILTERS)).toBe(0);
    expect(activeFilterCount(FULL)).toBe(8);
  });
});
