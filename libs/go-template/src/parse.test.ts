// Lexing and parsing: whitespace trimming, comments, and every kind of syntax error with
// its line, column and hint. Expected texts follow Go's text/template messages.

import { describe, expect, it } from 'vitest';
import { TemplateError, parseTemplate } from './index.ts';

const run = (text: string, data?: unknown) => parseTemplate(text, 't').execute(data);

function parseError(text: string, options: Parameters<typeof parseTemplate>[2] = {}): TemplateError {
  try {
    parseTemplate(text, 't', options);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe('whitespace trimming', () => {
  it('"{{- " trims all white space before, " -}}" all after', () => {
    expect(run('a  \n\t {{- "b" -}} \n  c')).toBe('abc');
    expect(run('x\n{{- 1 }}\ny')).toBe('x1\ny');
    expect(run('x\n{{ 1 -}}\n  y')).toBe('x\n1y');
  });

  it('a dash without a space is a sign, not a trim marker', () => {
    expect(run('a {{-3}} b')).toBe('a -3 b');
    expect(run('a {{ -3 }} b')).toBe('a -3 b');
  });

  it('trims around control structures, which is how multi-line templates stay tidy', () => {
    const text = 'list:\n{{- range . }}\n  - {{ . }}\n{{- end }}\n';
    expect(run(text, ['a', 'b'])).toBe('list:\n  - a\n  - b\n');
  });

  it('keeps text that has no markers as it is', () => {
    expect(run('  {{ "x" }}  \n')).toBe('  x  \n');
  });
});

describe('comments', () => {
  it('are dropped, with or without trim markers', () => {
    expect(run('a{{/* note */}}b')).toBe('ab');
    expect(run('a  {{- /* note */ -}}  b')).toBe('ab');
    expect(run('a{{/* multi\nline */}}b')).toBe('ab');
  });

  it('must end right at the delimiter', () => {
    const e = parseError('x {{/* c */ }}');
    expect(e.detail).toBe('comment ends before closing delimiter');
    expect([e.line, e.column]).toEqual([1, 3]);
    expect(e.hint).toMatch(/right after "\*\/"/);
  });

  it('must be closed', () => {
    expect(parseError('{{/* open').detail).toBe('unclosed comment');
  });
});

describe('syntax errors carry line, column and hint', () => {
  it('unclosed action points at its "{{"', () => {
    const e = parseError('line one\n  {{ .x ');
    expect(e.message).toBe('template: t:2:3: unclosed action (close the action with "}}")');
    expect([e.line, e.column, e.phase]).toEqual([2, 3, 'parse']);
  });

  it('a block without {{end}} points at the block', () => {
    const e = parseError('a\n{{ if .x }}b{{ range . }}c{{ end }}');
    expect(e.detail).toBe('unexpected EOF');
    expect([e.line, e.column]).toEqual([2, 1]);
    expect(e.hint).toBe('the {{if}} here has no {{end}}');
  });

  it('an {{end}} or {{else}} with nothing open', () => {
    expect(parseError('ab {{ end }}').message).toBe(
      'template: t:1:7: unexpected {{end}} (there is no {{if}}, {{range}}, {{with}} or {{define}} open for this {{end}})',
    );
    expect(parseError('{{else}}').detail).toBe('unexpected {{else}}');
    expect(parseError('{{ if 1 }}{{ else }}{{ else }}{{ end }}').detail).toBe('expected end; found {{else}}');
  });

  it('undefined variables, with a suggestion', () => {
    const e = parseError('{{ $host := .x }}\n{{ $hots }}');
    expect(e.message).toBe('template: t:2:4: undefined variable "$hots" (did you mean $host?)');
  });

  it('variables end with the structure that declared them', () => {
    expect(parseError('{{ if 1 }}{{ $x := 1 }}{{ end }}{{ $x }}').detail).toBe('undefined variable "$x"');
    expect(parseError('{{ $x := 1 }}{{ define "d" }}{{ $x }}{{ end }}').detail).toBe('undefined variable "$x"');
  });

  it('unknown functions when the function set is known, with a suggestion', () => {
    const e = parseError('{{ $value | humanise }}', { funcs: { humanize: (v: unknown) => v }, variables: ['$value'] });
    expect(e.message).toBe('template: t:1:13: function "humanise" not defined (did you mean "humanize"?)');
    expect(() => parseTemplate('{{ humanise 1 }}')).not.toThrow();
  });

  it('hints for undeclared variables the caller names', () => {
    const hints = { $labels: 'only in alert rules; elsewhere use .Labels' };
    expect(parseError('{{ $labels.job }}', { variableHints: hints }).hint).toBe('only in alert rules; elsewhere use .Labels');
    expect(parseError('{{ $labels.job }}').hint).toBe('declare it first: {{ $labels := ... }}');
  });

  it('lexical errors', () => {
    expect(parseError('{{ "abc }}').detail).toBe('unterminated quoted string');
    expect(parseError('{{ `abc }}').detail).toBe('unterminated raw quoted string');
    expect(parseError("{{ 'a }}").detail).toBe('unterminated character constant');
    expect(parseError('{{ 3x }}').detail).toBe('bad number syntax: "3x"');
    expect(parseError('{{ 3-2 }}').detail).toBe('bad number syntax: "3-2"');
    expect(parseError('{{ (1 }}').detail).toBe('unclosed left paren');
    expect(parseError('{{ 1) }}').detail).toBe('unexpected right paren');
    expect(parseError('{{ $x : 1 }}').detail).toBe('expected :=');
  });

  it('a dash glued to a name is a bad character, with the trim-marker hint', () => {
    const e = parseError('{{ .x-}}');
    expect(e.detail).toBe("bad character U+002D '-'");
    expect(e.column).toBe(6);
    expect(e.hint).toBe('a trim marker needs a space before it: " -}}"');
  });

  it('a no-break space is not a space (the error Prometheus users hit when pasting)', () => {
    const e = parseError('{{\u00a0}}');
    expect(e.detail).toBe('unrecognized character in action: U+00A0');
    expect(e.hint).toMatch(/ordinary space/);
  });

  it('pipelines', () => {
    expect(parseError('{{ }}').detail).toBe('missing value for command');
    expect(parseError('{{ if }}x{{ end }}').detail).toBe('missing value for if');
    expect(parseError('{{ . | 3 }}').detail).toBe('non executable command in pipeline stage 2');
    expect(parseError('{{ "x".y }}').detail).toBe('unexpected . after term "\\"x\\""');
    expect(parseError('{{ range $a, $b, $c := . }}{{ end }}').detail).toBe('too many declarations in range');
    expect(parseError('{{ $a, $b := . }}').detail).toBe('too many declarations in command');
    expect(parseError('{{ range $a, 1 }}{{ end }}').detail).toBe('range can only initialize variables');
  });

  it('break and continue only inside range', () => {
    expect(parseError('{{ break }}').detail).toBe('{{break}} outside {{range}}');
    expect(parseError('{{ range . }}{{ else }}{{ continue }}{{ end }}').detail).toBe('{{continue}} outside {{range}}');
  });

  it('define only at the top level, and once per name', () => {
    expect(parseError('{{ if 1 }}{{ define "x" }}{{ end }}{{ end }}').detail).toBe('unexpected <define> in command');
    expect(parseError('{{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }}').detail).toBe('multiple definition of template "a"');
    expect(parseError('{{ define a }}x{{ end }}').detail).toBe('unexpected "a" in define clause');
  });

  it('string escapes as Go reads them', () => {
    expect(run('{{ "tab\\there \\u00e9 \\x41 \\101 \\\\ \\"" }}')).toBe('tab\there é A A \\ "');
    expect(run('{{ `raw \\n stays` }}')).toBe('raw \\n stays');
    expect(parseError('{{ "bad \\q" }}').detail).toBe('invalid syntax');
  });

  it('number literals as Go reads them', () => {
    expect(run("{{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }} {{ 'a' }} {{ .5 }} {{ 1e3 }} {{ 0x1p-2 }}")).toBe(
      '31 15 15 5 1000 97 0.5 1000 0.25',
    );
    expect(parseError('{{ 99999999999999999999 }}').detail).toBe('integer overflow: "99999999999999999999"');
    expect(parseError('{{ 1i }}').detail).toMatch(/complex numbers are not supported/);
  });
});

describe('TemplateError', () => {
  it('is an Error with the parts separate', () => {
    const e = parseError('{{ .a | }}{{');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('TemplateError');
    expect(e.templateName).toBe('t');
    expect(e.detail).toBe('unclosed action');
  });
});
