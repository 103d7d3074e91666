import { describe, expect, it } from 'vitest';
import { chooseQuerySource } from './query-source.js';

describe('chooseQuerySource', () => {
  it('takes dnstap when named has it, unless the text log is chosen', () => {
    expect(chooseQuerySource('auto', { supported: true })).toEqual({
      source: 'dnstap',
      reason: 'named -V shows --enable-dnstap',
    });
    expect(chooseQuerySource('querylog', { supported: true }).source).toBe('querylog');
    expect(chooseQuerySource('dnstap', { supported: true }).reason).toBe(
      'HDNS_QUERY_SOURCE=dnstap',
    );
  });

  it('falls back to the text log, saying why', () => {
    expect(chooseQuerySource('auto', { supported: false })).toEqual({
      source: 'querylog',
      reason: 'named -V shows no --enable-dnstap',
    });
    expect(chooseQuerySource('dnstap', { supported: false, error: 'ENOENT' }).reason).toBe(
      'HDNS_QUERY_SOURCE=dnstap, but dnstap support unknown (ENOENT)',
    );
  });
});
