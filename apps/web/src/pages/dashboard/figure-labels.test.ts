import { describe, expect, it } from 'vitest';
import { qpsCaption, windowLabel } from './figure-labels';

const one = (v: number) => v.toFixed(1);

describe('dashboard figure labels', () => {
  it('names the qps window', () => {
    expect(windowLabel(1)).toBe('last second');
    expect(windowLabel(60)).toBe('last 60 s');
  });

  it('captions the live qps with the longest window average', () => {
    expect(qpsCaption(undefined, undefined, one)).toBe('');
    expect(qpsCaption({ windowSec: 1, qps: 1 }, undefined, one)).toBe('last second');
    expect(qpsCaption({ windowSec: 1, qps: 1 }, { windowSec: 1, qps: 1 }, one)).toBe('last second');
    expect(qpsCaption({ windowSec: 1, qps: 1 }, { windowSec: 60, qps: 2.2 }, one)).toBe(
      'last second · 60 s average 2.2/s',
    );
  });
});
