import { describe, expect, it } from 'vitest';
import {
  createRestClient,
  parseResponse,
  RestContractError,
  restRequest,
  type RestRequest,
} from './rest-client.js';

const zone = {
  id: 'z1',
  name: 'example.com',
  type: 'primary',
  serial: 1,
  defaultTtl: 3600,
  soa: null,
  forwarders: [],
  forwardPolicy: null,
  description: null,
  dnssecPolicy: null,
  primaries: [],
  tsigKeyId: null,
  version: 1,
  recordCount: 0,
  needsAdmin: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('restRequest', () => {
  it('fills and encodes path parameters, and serialises the query', () => {
    const r = restRequest('deleteRecord', {
      params: { zone: 'a b.example', id: 'x/y' },
      query: { version: 3 },
    });
    expect(r).toMatchObject({
      method: 'DELETE',
      path: '/api/zones/a%20b.example/records/x%2Fy',
      query: { version: '3' },
    });
  });

  it('joins lists with commas and leaves out empty values', () => {
    const r = restRequest('listEvents', {
      query: { type: ['zone_created', 'zone_deleted'], since: '', limit: 5 },
    });
    expect(r.query).toEqual({ type: 'zone_created,zone_deleted', limit: '5' });
  });
});

describe('parseResponse', () => {
  it('returns the parsed answer when it matches the contract', () => {
    expect(parseResponse('getZone', zone)).toEqual(zone);
  });

  it('throws RestContractError naming the route and field when it does not', () => {
    expect(() => parseResponse('getZone', { ...zone, version: 'one' })).toThrow(
      /getZone: .*version/,
    );
  });
});

describe('createRestClient', () => {
  const answer = (body: unknown) => {
    const sent: RestRequest[] = [];
    const transport = (request: RestRequest) => {
      sent.push(request);
      return Promise.resolve(body);
    };
    return { sent, transport };
  };

  it('validates answers when asked to', async () => {
    const { transport } = answer({ zones: [{ ...zone, type: 'reverse' }] });
    await expect(createRestClient(transport, { validate: true }).listZones()).rejects.toThrow(
      RestContractError,
    );
  });

  it('passes answers through unparsed when not', async () => {
    const { sent, transport } = answer({ zones: 'anything' });
    const api = createRestClient(transport, { validate: false });
    expect(await api.listZones()).toEqual({ zones: 'anything' });
    await api.createZone({ body: { name: 'example.org' } });
    expect(sent[1]).toMatchObject({
      method: 'POST',
      path: '/api/zones',
      body: { name: 'example.org' },
    });
  });
});
