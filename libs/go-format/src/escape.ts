// Go's escapers: text/template's HTMLEscapeString and JSEscapeString (the html and js
// builtins) and net/url's QueryEscape and QueryUnescape (urlquery, graphLink, urlUnescape).

import { isPrintable } from './quote.ts';
import { utf8Bytes, utf8Decode } from './utf8.ts';

const HTML_ESCAPES: Record<string, string> = { '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** template.HTMLEscapeString: the five HTML-significant characters as entities, NUL as U+FFFD. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => HTML_ESCAPES[c]);
}

const JS_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

/** template.JSEscapeString: quotes, backslash and <>&= escaped, control and non-printable characters as \uXXXX. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch in JS_ESCAPES) out += JS_ESCAPES[ch];
    else if (cp < 0x20) out += `\\u00${cp.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (cp >= 0x80 && !isPrintable(ch)) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape: only A-Z a-z 0-9 - _ . ~ stay, space becomes '+'. */
export function queryEscape(s: string): string {
  const wellFormed = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
  return encodeURIComponent(wellFormed)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** url.QueryUnescape: '+' is a space, %XX a byte; a malformed escape is an error. */
export function queryUnescape(s: string): string {
  const bad = /%(?![0-9a-fA-F]{2})/.exec(s);
  if (bad) throw new Error(`invalid URL escape ${JSON.stringify(s.slice(bad.index, bad.index + 3))}`);
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else if (s[i] === '+') {
      bytes.push(0x20);
      i++;
    } else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...utf8Bytes(ch));
      i += ch.length;
    }
  }
  return utf8Decode(Uint8Array.from(bytes));
}
