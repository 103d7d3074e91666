import { describe, expect, it } from 'vitest';
import { fieldMessage, fieldOfPath, lockedBy, pathSegments } from './settings-fields';

describe('settings field paths', () => {
  it('maps server and schema paths to the form field and entry', () => {
    expect(fieldOfPath(pathSegments('/listen/ipv4/0'))).toEqual({ field: 'listen/ipv4', index: 0 });
    expect(fieldOfPath(pathSegments('/allowQuery/2'))).toEqual({ field: 'allowQuery', index: 2 });
    expect(fieldOfPath(pathSegments('rateLimit.exemptClients.1'))).toEqual({
      field: 'rateLimit/exemptClients',
      index: 1,
    });
    expect(fieldOfPath(['listen', 'port'])).toEqual({ field: 'listen/port' });
    expect(fieldOfPath(pathSegments('/version'))).toEqual({});
    expect(fieldOfPath(pathSegments('/'))).toEqual({});
  });

  it('says line for one-per-line lists and entry for the others', () => {
    expect(fieldMessage('allowQuery', 2, 'bad')).toBe('line 3: bad');
    expect(fieldMessage('listen/ipv6', 0, 'bad')).toBe('entry 1: bad');
    expect(fieldMessage('recursion', undefined, 'bad')).toBe('bad');
  });

  it('locks a field by its own path, a parent path, or a path inside it', () => {
    const locked = {
      'listen.port': 'HDNS_DNS_PORT',
      rateLimit: 'HDNS_DNS_RATE_LIMIT',
      '/allowQuery/0': 'HDNS_DNS_ALLOW_QUERY',
    };
    expect(lockedBy(locked, 'listen/port')).toBe('HDNS_DNS_PORT');
    expect(lockedBy(locked, 'listen/ipv4')).toBeUndefined();
    expect(lockedBy(locked, 'rateLimit/slip')).toBe('HDNS_DNS_RATE_LIMIT');
    expect(lockedBy(locked, 'allowQuery')).toBe('HDNS_DNS_ALLOW_QUERY');
    expect(lockedBy(locked, 'allowRecursion')).toBeUndefined();
    expect(lockedBy({}, 'recursion')).toBeUndefined();
  });
});
