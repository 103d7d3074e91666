import { PassThrough } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logDestination } from './log-destination.js';
import { buildLoggerOptions } from './logger.js';

function capture(): { sink: PassThrough; text: () => string } {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (d: Buffer) => (text += d.toString()));
  return { sink, text: () => text };
}

describe('logDestination', () => {
  it('is pino\'s own JSON stdout for "json", and for "auto" when stdout is not a terminal', () => {
    expect(logDestination('json', true)).toBeUndefined();
    expect(logDestination('json', false)).toBeUndefined();
    expect(logDestination('auto', false)).toBeUndefined();
  });

  it('writes readable lines for "pretty", redaction included', () => {
    const { sink, text } = capture();
    const stream = logDestination('pretty', false, sink);
    expect(stream).toBeDefined();
    const log = pino(buildLoggerOptions({ logLevel: 'info' }), stream);
    log.info({ password: 'hunter22', zone: 'example.com' }, 'zone created');
    const out = text();
    expect(out).toMatch(/INFO.*zone created/);
    expect(out).toContain('zone: "example.com"');
    expect(out).toContain('[REDACTED]');
    expect(out).not.toContain('hunter22');
    expect(() => JSON.parse(out.split('\n')[0] ?? '')).toThrow();
    // No colour codes unless stdout is a terminal.
    expect(out).not.toContain('\u001b[');
  });

  it('is pretty for "auto" at a terminal, coloured', () => {
    const { sink, text } = capture();
    const log = pino({ level: 'info' }, logDestination('auto', true, sink));
    log.warn('named restarted');
    expect(text()).toMatch(/WARN/);
    expect(text()).toContain('\u001b[');
  });
});
