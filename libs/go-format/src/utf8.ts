// Go strings are UTF-8 bytes: len, index, slice and %x count and cut bytes, not UTF-16
// units. TextEncoder and TextDecoder exist in browsers and in Node alike; the ES library
// types this package compiles with do not declare them.

declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: { new (label?: string): { decode(b: Uint8Array): string } };

const encoder = new TextEncoder();
// Not fatal: a cut through a multi-byte character reads as U+FFFD, as Go prints it.
const decoder = new TextDecoder('utf-8');

/** The UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD's three bytes). */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** UTF-8 bytes as text, each invalid sequence replaced by U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Number of bytes Go's len gives a string. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
