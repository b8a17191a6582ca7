import { describe, expect, it } from 'vitest';
import { escapeControlCharacters, escapingLog } from './log-line.ts';

describe('log lines', () => {
  it('escape every control character, so that a line is one line and the terminal is left alone', () => {
    expect(escapeControlCharacters('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(escapeControlCharacters('\u001b[2J\u0000\u007f\u0085\u009b\u2028\u2029')).toBe(
      '\\u001b[2J\\u0000\\u007f\\u0085\\u009b\\u2028\\u2029',
    );
    expect(escapeControlCharacters('agent "web-1" é 日本 🙂 \\n')).toBe('agent "web-1" é 日本 🙂 \\n');
  });

  it('reach the sink escaped', () => {
    const seen: string[] = [];
    escapingLog((l) => seen.push(l))('broker: refused agent "x\n2026-01-01T00:00:00Z hub: forged"');
    expect(seen).toEqual(['broker: refused agent "x\\n2026-01-01T00:00:00Z hub: forged"']);
  });
});
