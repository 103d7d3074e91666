import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

describe('LineSplitter', () => {
  it('joins lines split across chunks, even inside a UTF-8 character', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('first\r\nsé𝄞cond\nthird\n', 'utf8');
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
    expect(lines).toEqual(['first', 'sé𝄞cond', 'third']);
  });

  it('keeps the unfinished tail until its newline, and drops over-long lines', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 10);
    s.push('abc');
    expect(lines).toEqual([]);
    s.push('def\n');
    s.push('0123456789ABCDEF');
    s.push('more\nok\n');
    s.push(`${'x'.repeat(20)}\nend\n`);
    expect(lines).toEqual(['abcdef', 'ok', 'end']);
    expect(s.dropped).toBe(2);
    s.push('tail');
    expect(s.reset()).toBe('tail');
  });
});
