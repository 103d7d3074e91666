import { describe, expect, it } from 'vitest';
import {
  CloseCode,
  closeCodeName,
  isReconnectCloseCode,
  isTerminalCloseCode,
  RECONNECT_RANGE,
  TERMINAL_RANGE,
  TransportCloseCode,
} from './close-codes.js';

describe('close codes', () => {
  it('every named code sits in exactly one documented range', () => {
    for (const [name, code] of Object.entries(CloseCode)) {
      const inReconnect = code >= RECONNECT_RANGE.min && code <= RECONNECT_RANGE.max;
      const inTerminal = code >= TERMINAL_RANGE.min && code <= TERMINAL_RANGE.max;
      expect(inReconnect !== inTerminal, name).toBe(true);
      expect(isTerminalCloseCode(code)).toBe(inTerminal);
      expect(isReconnectCloseCode(code)).toBe(inReconnect);
    }
  });

  it('codes are unique and named back', () => {
    const values = Object.values(CloseCode);
    expect(new Set(values).size).toBe(values.length);
    expect(closeCodeName(CloseCode.SUPERSEDED)).toBe('SUPERSEDED');
    expect(closeCodeName(1234)).toBeUndefined();
  });

  it('superseded, auth failure and forbidden are terminal; restart and slow consumer are not', () => {
    expect(isTerminalCloseCode(CloseCode.SUPERSEDED)).toBe(true);
    expect(isTerminalCloseCode(CloseCode.AUTH_FAILED)).toBe(true);
    expect(isTerminalCloseCode(CloseCode.FORBIDDEN)).toBe(true);
    expect(isTerminalCloseCode(CloseCode.SERVER_RESTARTING)).toBe(false);
    expect(isTerminalCloseCode(CloseCode.SLOW_CONSUMER)).toBe(false);
    expect(isTerminalCloseCode(1006)).toBe(false);
  });

  it("the transport's 1009 (message too big) is terminal like FRAME_TOO_LARGE; other standard codes reconnect", () => {
    expect(isTerminalCloseCode(TransportCloseCode.MESSAGE_TOO_BIG)).toBe(true);
    expect(isTerminalCloseCode(CloseCode.FRAME_TOO_LARGE)).toBe(true);
    for (const code of [1000, 1001, 1006, 1011, 1012])
      expect(isTerminalCloseCode(code)).toBe(false);
  });
});
