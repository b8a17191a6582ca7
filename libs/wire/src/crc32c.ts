// CRC-32C (Castagnoli, reflected polynomial 0x82f63b78): it detects every error burst of up
// to 32 bits, so any single damaged byte in a chunk is caught. Slicing-by-16 tables let the
// main loop consume sixteen bytes per step using only 32-bit operations (every read
// checks its chunk, so this loop runs over every byte a query reads).
const POLY = 0x82f63b78;
const T = new Int32Array(16 * 256);

for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c;
}
for (let n = 0; n < 256; n++) {
  for (let k = 1; k < 16; k++) {
    const prev = T[(k - 1) * 256 + n];
    T[k * 256 + n] = (prev >>> 8) ^ T[prev & 0xff];
  }
}

/** CRC-32C of bytes[start, end), as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = -1;
  let i = start;
  for (const last16 = end - 16; i <= last16; i += 16) {
    const a = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    crc =
      T[3840 + (a & 0xff)] ^
      T[3584 + ((a >>> 8) & 0xff)] ^
      T[3328 + ((a >>> 16) & 0xff)] ^
      T[3072 + (a >>> 24)] ^
      T[2816 + bytes[i + 4]] ^
      T[2560 + bytes[i + 5]] ^
      T[2304 + bytes[i + 6]] ^
      T[2048 + bytes[i + 7]] ^
      T[1792 + bytes[i + 8]] ^
      T[1536 + bytes[i + 9]] ^
      T[1280 + bytes[i + 10]] ^
      T[1024 + bytes[i + 11]] ^
      T[768 + bytes[i + 12]] ^
      T[512 + bytes[i + 13]] ^
      T[256 + bytes[i + 14]] ^
      T[bytes[i + 15]];
  }
  for (; i < end; i++) crc = T[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
