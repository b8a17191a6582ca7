// strconv's quoting: Quote (what %q prints and Go's error messages put around names and
// values), QuoteToASCII (%+q), QuoteRune, CanBackquote (%#q), and IsPrint, which decides
// what is escaped.

const SIMPLE_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
};

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrintable(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

function escapeRune(cp: number): string {
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** The body of a quoted character or string: `quote` itself escaped, the rest as strconv does. */
function quoteWith(s: string, quote: '"' | "'", asciiOnly: boolean): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote) out += `\\${ch}`;
    else if (cp < 0x80 && ch in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[ch];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x80) out += ch;
    else out += asciiOnly || !isPrintable(ch) ? escapeRune(cp) : ch;
  }
  return out + quote;
}

/** strconv.Quote; with `asciiOnly`, strconv.QuoteToASCII. */
export function quote(s: string, asciiOnly = false): string {
  return quoteWith(s, '"', asciiOnly);
}

/** strconv.QuoteRune (QuoteRuneToASCII with `asciiOnly`) for a valid code point. */
export function quoteRune(cp: number, asciiOnly = false): string {
  return quoteWith(String.fromCodePoint(cp), "'", asciiOnly);
}

/** strconv.CanBackquote: no back quote and no control character but tab. */
export function canBackquote(s: string): boolean {
  return !/[`\x00-\x08\x0a-\x1f\x7f\ufeff]/.test(s);
}
