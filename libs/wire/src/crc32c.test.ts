import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.ts';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('crc32c', () => {
  it('matches the published check values of CRC-32C', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    // RFC 3720 (iSCSI) appendix B.4 test vectors
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('agrees with the bit-at-a-time definition on every length around the 16-byte steps', () => {
    const bitwise = (b: Uint8Array) => {
      let crc = -1;
      for (const byte of b) {
        crc ^= byte;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return ~crc >>> 0;
    };
    const data = Uint8Array.from({ length: 70 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let n = 0; n <= data.length; n++) expect(crc32c(data.subarray(0, n))).toBe(bitwise(data.subarray(0, n)));
  });

  it('gives the same result on any sub-range as on a copy of it (slicing alignment)', () => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => (i * 37 + 11) & 0xff);
    for (let start = 0; start < 10; start++) {
      for (let end = start; end <= 100; end += 7) {
        expect(crc32c(data, start, end)).toBe(crc32c(data.slice(start, end)));
      }
    }
  });
});
