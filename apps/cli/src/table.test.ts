/** The human tables: columns padded to the widest cell, no trailing blanks, dashes for nulls. */
import { describe, expect, it } from 'vitest';
import { cell, formatTable } from './table.js';

describe('formatTable', () => {
  it('aligns columns to the widest cell and trims the line ends', () => {
    expect(
      formatTable(
        ['ID', 'NAME', 'NOTE'],
        [
          ['1', 'www', ''],
          ['22', 'a', 'last column is not padded'],
        ],
      ),
    ).toEqual(['ID  NAME  NOTE', '1   www', '22  a     last column is not padded']);
  });

  it('shows missing values as a dash', () => {
    expect([cell(null), cell(undefined), cell(''), cell(0), cell(false)]).toEqual([
      '-',
      '-',
      '-',
      '0',
      'false',
    ]);
  });
});
