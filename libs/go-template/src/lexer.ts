// Splits template text into tokens the way Go's text/template/parse lexer does: text
// between actions (trimmed by "{{- " and " -}}"), comments dropped, and inside actions
// the words, literals and punctuation of the template language. A lexical error ends the
// token list with an 'error' token, which the parser reports when it reaches it, so that
// an earlier syntax error is reported first, as in Go.

import { isPrintable } from '@metrics-hub/go-format';

export type TokenType =
  | 'error'
  | 'eof'
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'number'
  | 'string'
  | 'rawString'
  | 'variable'
  | 'field'
  | 'identifier'
  | 'pipe'
  | 'assign'
  | 'declare'
  | 'leftParen'
  | 'rightParen'
  | Keyword;

export type Keyword = 'dot' | 'nil' | 'block' | 'break' | 'continue' | 'define' | 'else' | 'end' | 'if' | 'range' | 'template' | 'with';

export interface Token {
  type: TokenType;
  /** The token's source text (for 'error', the message). */
  val: string;
  /** Offset of the token in the template text. */
  pos: number;
  hint?: string;
}

const KEYWORDS: Record<string, Keyword> = {
  block: 'block',
  break: 'break',
  continue: 'continue',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  nil: 'nil',
  range: 'range',
  template: 'template',
  with: 'with',
};

const KEYWORD_TYPES = new Set<TokenType>([...Object.values(KEYWORDS), 'dot']);

/** How a token reads in "unexpected X in Y" (Go's item.String). */
export function describeToken(t: Token): string {
  if (t.type === 'eof') return 'EOF';
  if (t.type === 'error') return t.val;
  if (KEYWORD_TYPES.has(t.type)) return `<${t.val}>`;
  const chars = [...t.val];
  if (chars.length > 10) return `${JSON.stringify(chars.slice(0, 10).join(''))}...`;
  return JSON.stringify(t.val);
}

const LEFT = '{{';
const RIGHT = '}}';

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

const ALNUM = /^[\p{L}\p{Nd}_]$/u;

/** The code point at `i` as a string (one or two UTF-16 units); '' at the end. */
function charAt(s: string, i: number): string {
  const cp = s.codePointAt(i);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

function isAlphaNumeric(s: string, i: number): boolean {
  return ALNUM.test(charAt(s, i));
}

/** Go's %#U: U+0041 'A', or U+00A0 alone when the character does not print. */
export function describeChar(ch: string): string {
  const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return isPrintable(ch) ? `${code} '${ch}'` : code;
}

function hasLeftTrimMarker(s: string, i: number): boolean {
  return s[i] === '-' && isSpace(s[i + 1]);
}

/** Is there a right delimiter at i, and is it " -}}"? */
function atRightDelim(s: string, i: number): { delim: boolean; trim: boolean } {
  if (isSpace(s[i]) && s[i + 1] === '-' && s.startsWith(RIGHT, i + 2)) return { delim: true, trim: true };
  return { delim: s.startsWith(RIGHT, i), trim: false };
}

function leftTrimLength(s: string, i: number): number {
  let j = i;
  while (isSpace(s[j])) j++;
  return j - i;
}

/** After a word: only space, punctuation that may follow a word, or the right delimiter. */
function atTerminator(s: string, i: number): boolean {
  const c = s[i];
  if (c === undefined || isSpace(c) || '.,|:)('.includes(c)) return true;
  return s.startsWith(RIGHT, i);
}

class LexError extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  try {
    lexInto(input, tokens);
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    tokens.push({ type: 'error', val: e.message, pos: e.pos, hint: e.hint });
  }
  return tokens;
}

function lexInto(s: string, tokens: Token[]): void {
  let pos = 0;
  for (;;) {
    const x = s.indexOf(LEFT, pos);
    if (x < 0) {
      if (pos < s.length) tokens.push({ type: 'text', val: s.slice(pos), pos });
      tokens.push({ type: 'eof', val: '', pos: s.length });
      return;
    }
    const trim = hasLeftTrimMarker(s, x + LEFT.length);
    let textEnd = x;
    if (trim) while (textEnd > pos && isSpace(s[textEnd - 1])) textEnd--;
    if (textEnd > pos) tokens.push({ type: 'text', val: s.slice(pos, textEnd), pos });
    const inner = x + LEFT.length + (trim ? 2 : 0);
    pos = s.startsWith('/*', inner) ? lexComment(s, x, inner) : lexAction(s, x, inner, tokens);
  }
}

function lexComment(s: string, start: number, at: number): number {
  const close = s.indexOf('*/', at + 2);
  if (close < 0) throw new LexError('unclosed comment', start, 'end the comment with "*/}}"');
  let pos = close + 2;
  const { delim, trim } = atRightDelim(s, pos);
  if (!delim) {
    throw new LexError('comment ends before closing delimiter', start, 'put "}}" (or " -}}") right after "*/"');
  }
  pos += (trim ? 2 : 0) + RIGHT.length;
  return trim ? pos + leftTrimLength(s, pos) : pos;
}

/** Tokens of one action from `pos` (just inside "{{") through "}}"; returns where text resumes. */
function lexAction(s: string, start: number, pos: number, tokens: Token[]): number {
  tokens.push({ type: 'leftDelim', val: LEFT, pos: start });
  let depth = 0;
  const emit = (type: TokenType, from: number, to: number) => tokens.push({ type, val: s.slice(from, to), pos: from });
  for (;;) {
    const { delim, trim } = atRightDelim(s, pos);
    if (delim) {
      if (depth > 0) throw new LexError('unclosed left paren', pos, 'add the missing ")"');
      if (trim) pos += 2;
      emit('rightDelim', pos, pos + RIGHT.length);
      pos += RIGHT.length;
      return trim ? pos + leftTrimLength(s, pos) : pos;
    }
    if (pos >= s.length) throw new LexError('unclosed action', start, 'close the action with "}}"');
    const c = s[pos];
    if (isSpace(c)) {
      let end = pos;
      while (isSpace(s[end])) end++;
      // " -}}" takes its space with it: leave the last space for the delimiter.
      if (s[end] === '-' && s.startsWith(RIGHT, end + 1)) {
        end--;
        if (end === pos) continue;
      }
      emit('space', pos, end);
      pos = end;
      continue;
    }
    if (c === '=') {
      emit('assign', pos, ++pos);
    } else if (c === ':') {
      if (s[pos + 1] !== '=') throw new LexError('expected :=', pos, 'declare a variable with ":=" or assign one with "="');
      emit('declare', pos, (pos += 2));
    } else if (c === '|') {
      emit('pipe', pos, ++pos);
    } else if (c === '"' || c === "'") {
      pos = lexQuoted(s, pos, c, tokens);
    } else if (c === '`') {
      const close = s.indexOf('`', pos + 1);
      if (close < 0) throw new LexError('unterminated raw quoted string', pos, 'close the string with a backquote');
      emit('rawString', pos, close + 1);
      pos = close + 1;
    } else if (c === '$') {
      pos = lexWord(s, pos, 'variable', tokens);
    } else if (c === '.' && pos + 1 < s.length && !(s[pos + 1] >= '0' && s[pos + 1] <= '9')) {
      pos = lexWord(s, pos, 'field', tokens);
    } else if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
      pos = lexNumber(s, pos, tokens);
    } else if (isAlphaNumeric(s, pos)) {
      pos = lexWord(s, pos, 'identifier', tokens);
    } else if (c === '(') {
      emit('leftParen', pos, ++pos);
      depth++;
    } else if (c === ')') {
      if (--depth < 0) throw new LexError('unexpected right paren', pos, 'remove the ")" or add the matching "("');
      emit('rightParen', pos, ++pos);
    } else if (c >= ' ' && c <= '~') {
      emit('char', pos, ++pos);
    } else {
      const ch = charAt(s, pos);
      throw new LexError(
        `unrecognized character in action: ${describeChar(ch)}`,
        pos,
        ch === '\u00a0' ? 'a no-break space is not a space in templates: type an ordinary space' : undefined,
      );
    }
  }
}

function lexQuoted(s: string, pos: number, quote: string, tokens: Token[]): number {
  const what = quote === '"' ? 'quoted string' : 'character constant';
  let i = pos + 1;
  for (;;) {
    const c = s[i];
    if (c === '\\') {
      i++;
      if (i >= s.length || s[i] === '\n') break;
    } else if (c === undefined || c === '\n') {
      break;
    } else if (c === quote) {
      tokens.push({ type: quote === '"' ? 'string' : 'charConstant', val: s.slice(pos, i + 1), pos });
      return i + 1;
    }
    i++;
  }
  throw new LexError(
    `unterminated ${what}`,
    pos,
    quote === '"' ? 'close the string on the same line, or use a `raw string` for text over several lines' : undefined,
  );
}

/** A field (.Name), variable ($name) or identifier (name, keyword, true/false). */
function lexWord(s: string, pos: number, type: 'field' | 'variable' | 'identifier', tokens: Token[]): number {
  let i = type === 'identifier' ? pos : pos + 1;
  if (type !== 'identifier' && atTerminator(s, i)) {
    tokens.push({ type: type === 'field' ? 'dot' : 'variable', val: s.slice(pos, i), pos });
    return i;
  }
  while (i < s.length && isAlphaNumeric(s, i)) i += charAt(s, i).length;
  if (!atTerminator(s, i)) {
    const ch = charAt(s, i);
    throw new LexError(
      `bad character ${describeChar(ch)}`,
      i,
      ch === '-' && s.startsWith(RIGHT, i + 1) ? 'a trim marker needs a space before it: " -}}"' : undefined,
    );
  }
  const word = s.slice(pos, i);
  let t: TokenType = type;
  if (type === 'identifier') {
    if (Object.hasOwn(KEYWORDS, word)) t = KEYWORDS[word];
    else if (word === 'true' || word === 'false') t = 'bool';
  }
  tokens.push({ type: t, val: word, pos });
  return i;
}

/** Go number syntax: sign, base prefix, digits with underscores, fraction, exponent, 'i'. */
function scanNumber(s: string, pos: number): { end: number; ok: boolean } {
  let i = pos;
  if (s[i] === '+' || s[i] === '-') i++;
  let digits = '0123456789_';
  if (s[i] === '0') {
    i++;
    const p = s[i];
    if (p === 'x' || p === 'X') {
      i++;
      digits = '0123456789abcdefABCDEF_';
    } else if (p === 'o' || p === 'O') {
      i++;
      digits = '01234567_';
    } else if (p === 'b' || p === 'B') {
      i++;
      digits = '01_';
    }
  }
  const run = (set: string) => {
    while (i < s.length && set.includes(s[i])) i++;
  };
  run(digits);
  if (s[i] === '.') {
    i++;
    run(digits);
  }
  if (digits.length === 11 && (s[i] === 'e' || s[i] === 'E')) {
    i++;
    if (s[i] === '+' || s[i] === '-') i++;
    run('0123456789_');
  }
  if (digits.length === 23 && (s[i] === 'p' || s[i] === 'P')) {
    i++;
    if (s[i] === '+' || s[i] === '-') i++;
    run('0123456789_');
  }
  if (s[i] === 'i') i++;
  if (i < s.length && isAlphaNumeric(s, i)) return { end: i + charAt(s, i).length, ok: false };
  return { end: i, ok: true };
}

function lexNumber(s: string, pos: number, tokens: Token[]): number {
  const first = scanNumber(s, pos);
  if (!first.ok) throw new LexError(`bad number syntax: ${JSON.stringify(s.slice(pos, first.end))}`, pos);
  let end = first.end;
  if (s[end] === '+' || s[end] === '-') {
    // Go reads 1+2i as one complex constant; without the 'i' it is not a number at all.
    const second = scanNumber(s, end);
    if (!second.ok || s[second.end - 1] !== 'i') {
      throw new LexError(`bad number syntax: ${JSON.stringify(s.slice(pos, second.end))}`, pos);
    }
    end = second.end;
  }
  tokens.push({ type: 'number', val: s.slice(pos, end), pos });
  return end;
}
