// Execution of each construct with Go's semantics: printing, pipelines, variables,
// if/with/range/template/block, builtins, truth, missing keys, methods and runtime errors.

import { describe, expect, it } from 'vitest';
import { anyMap } from '@metrics-hub/go-format';
import { TemplateError, parseTemplate, type ExecuteOptions } from './index.ts';

const run = (text: string, data?: unknown, options?: ExecuteOptions) => parseTemplate(text, 't').execute(data, undefined, options);

function execError(text: string, data?: unknown, funcs?: Record<string, (...a: never[]) => unknown>): TemplateError {
  try {
    parseTemplate(text, 't').execute(data, funcs);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`);
}

class Host {
  constructor(
    readonly Name: string,
    readonly Port: number,
  ) {}
  Greet(greeting: string): string {
    return `${greeting}, ${this.Name}`;
  }
  get Address(): string {
    return `${this.Name}:${this.Port}`;
  }
}

describe('printing values as Go prints them', () => {
  it('constants', () => {
    expect(run('{{ 1 }} {{ -2 }} {{ 1.5 }} {{ "s" }} {{ `r` }} {{ true }} {{ false }}')).toBe('1 -2 1.5 s r true false');
  });

  it('float64 with %v: shortest digits, exponent from 1e+06 and below 1e-04', () => {
    const values = [1e6, 100000, 0.1, 1.5e-7, 0.0001, 0.00001, 123456789, 3, -0, 0.1 + 0.2, 1e21, NaN, Infinity, -Infinity];
    expect(run('{{ range . }}{{ . }} {{ end }}', values)).toBe(
      '1e+06 100000 0.1 1.5e-07 0.0001 1e-05 1.23456789e+08 3 -0 0.30000000000000004 1e+21 NaN +Inf -Inf ',
    );
  });

  it('composite values', () => {
    expect(run('{{ . }}', ['a', 'b'])).toBe('[a b]');
    expect(run('{{ . }}', { b: '2', a: '1' })).toBe('map[a:1 b:2]');
    expect(run('{{ . }}', new Host('h', 80))).toBe('{h 80}');
    expect(run('{{ . }}', [1n, 2.5, null])).toBe('[1 2.5 <nil>]');
  });

  it('nil prints as <no value>', () => {
    expect(run('{{ . }}', null)).toBe('<no value>');
    expect(run('{{ .a.b }}', null)).toBe('<no value>');
    expect(run('[{{ .a }}]', anyMap({}))).toBe('[<no value>]');
  });
});

describe('missing map keys', () => {
  it('label maps (all strings) give "" under missingkey=zero, as $labels.nope in Prometheus', () => {
    expect(run('[{{ .Labels.nope }}]', { Labels: { job: 'node' } })).toBe('[]');
  });

  it('maps of other values give <no value>', () => {
    expect(run('[{{ .nope }}]', { n: 1 })).toBe('[<no value>]');
    expect(run('[{{ .arg3 }}]', anyMap({ arg0: 'a' }))).toBe('[<no value>]');
  });

  it('missingkey=default gives <no value> for any map, missingkey=error fails', () => {
    expect(run('[{{ .Labels.nope }}]', { Labels: { job: 'node' } }, { missingKey: 'default' })).toBe('[<no value>]');
    expect(() => run('{{ .nope }}', { a: 'b' }, { missingKey: 'error' })).toThrow('map has no entry for key "nope"');
  });

  it('index yields the zero value regardless', () => {
    expect(run('[{{ index . "nope" }}]', { a: 'b' })).toBe('[]');
    expect(run('[{{ index . "nope" }}]', { a: 1 })).toBe('[<no value>]');
  });
});

describe('fields and methods', () => {
  it('struct fields, getters and methods with arguments or a piped value', () => {
    const h = new Host('db', 5432);
    expect(run('{{ .Name }} {{ .Address }} {{ .Greet "hi" }} {{ "yo" | .Greet }}', h)).toBe('db db:5432 hi, db yo, db');
  });

  it('a field of a field, through variables and parenthesised pipelines', () => {
    const data = { Alert: { Labels: { job: 'api' } } };
    expect(run('{{ .Alert.Labels.job }} {{ $a := .Alert }}{{ $a.Labels.job }} {{ (index .Alert "Labels").job }}', data)).toBe(
      'api api api',
    );
  });

  it('$ is the data the execution started with', () => {
    expect(run('{{ range .items }}{{ . }}{{ $.sep }}{{ end }}', { items: ['a', 'b'], sep: ';' })).toBe('a;b;');
  });

  it('a function-valued field is not called, but `call` calls it', () => {
    expect(run('{{ call .f 2 3 }}', { f: (a: bigint, b: bigint) => a * b })).toBe('6');
  });
});

describe('pipelines', () => {
  it('pass the previous result as the last argument', () => {
    expect(run('{{ 3 | printf "%d-%d" 2 }}')).toBe('2-3');
    expect(run('{{ "a" | printf "%s%s" "b" | printf "[%s]" }}')).toBe('[ba]');
  });

  it('parenthesised pipelines are arguments', () => {
    expect(run('{{ printf "%d" (len (slice . 1)) }}', ['a', 'b', 'c'])).toBe('2');
  });
});

describe('variables', () => {
  it('declare, assign, and end at {{end}}', () => {
    expect(run('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}')).toBe('2');
    expect(run('{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}')).toBe('21');
  });

  it('a declaration prints nothing', () => {
    expect(run('a{{ $x := "b" }}c{{ $x }}')).toBe('acb');
  });

  it('assigning to an undeclared variable fails when executed', () => {
    expect(execError('{{ $y = 1 }}').detail).toBe('undefined variable: $y');
  });
});

describe('if, else if, else', () => {
  const text = '{{ if eq . 1 }}one{{ else if eq . 2 }}two{{ else }}many{{ end }}';
  it('chooses by Go truth', () => {
    expect([1n, 2n, 3n].map((n) => run(text, n))).toEqual(['one', 'two', 'many']);
  });

  it('zero values and empty collections are false', () => {
    const values = [0, 0n, '', false, null, undefined, [], {}, new Map(), NaN, 0.1, 1n, 'x', true, [0], { a: '' }, new Host('', 0)];
    expect(run('{{ range . }}{{ if . }}T{{ else }}F{{ end }}{{ end }}', values)).toBe('FFFFFFFFFTTTTTTTT');
  });
});

describe('with', () => {
  it('sets dot when the value is true, else runs {{else}}', () => {
    expect(run('{{ with .a }}[{{ . }}]{{ else }}none{{ end }}', { a: 'x' })).toBe('[x]');
    expect(run('{{ with .a }}[{{ . }}]{{ else }}none{{ end }}', { a: '' })).toBe('none');
  });

  it('declares variables and chains with {{else with}}', () => {
    expect(run('{{ with $v := .a }}{{ $v }}{{ end }}', { a: 'x' })).toBe('x');
    expect(run('{{ with .a }}a={{ . }}{{ else with .b }}b={{ . }}{{ else }}none{{ end }}', { a: '', b: 'y' })).toBe('b=y');
  });
});

describe('range', () => {
  it('over a slice, with index and element variables', () => {
    expect(run('{{ range $i, $e := . }}{{ $i }}:{{ $e }} {{ end }}', ['a', 'b'])).toBe('0:a 1:b ');
    expect(run('{{ range $e := . }}{{ $e }}{{ end }}', ['a', 'b'])).toBe('ab');
    expect(run('{{ range $i, $e := . }}{{ printf "%T" $i }}{{ end }}', ['a'])).toBe('int');
  });

  it('over a map in sorted key order (Go sorts, whatever the insertion order)', () => {
    expect(run('{{ range $k, $v := . }}{{ $k }}={{ $v }} {{ end }}', { job: 'node', instance: 'h:9100', alertname: 'Down' })).toBe(
      'alertname=Down instance=h:9100 job=node ',
    );
    expect(
      run(
        '{{ range . }}{{ . }}{{ end }}',
        new Map([
          ['b', '2'],
          ['a', '1'],
        ]),
      ),
    ).toBe('12');
  });

  it('over an integer (Go 1.22)', () => {
    expect(run('{{ range 3 }}{{ . }}{{ end }}')).toBe('012');
  });

  it('runs {{else}} for nothing to iterate', () => {
    expect(run('{{ range . }}x{{ else }}empty{{ end }}', [])).toBe('empty');
    expect(run('{{ range .none }}x{{ else }}empty{{ end }}', anyMap({}))).toBe('empty');
  });

  it('break and continue', () => {
    expect(run('{{ range . }}{{ if eq . 3 }}{{ break }}{{ end }}{{ . }}{{ end }}', [1n, 2n, 3n, 4n])).toBe('12');
    expect(run('{{ range . }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ . }}{{ end }}', [1n, 2n, 3n])).toBe('13');
    expect(run('{{ range . }}{{ range . }}{{ break }}{{ end }}{{ . }}{{ end }}', [['a'], ['b']])).toBe('[a][b]');
  });

  it('cannot iterate over a string', () => {
    expect(execError('{{ range . }}{{ end }}', 'abc').detail).toBe("range can't iterate over abc");
  });
});

describe('define, template, block', () => {
  it('template runs a definition with the given dot and no variables of the caller', () => {
    const text = '{{ define "item" }}<{{ . }}>{{ end }}{{ range . }}{{ template "item" . }}{{ end }}';
    expect(run(text, ['a', 'b'])).toBe('<a><b>');
    expect(run('{{ define "nil" }}{{ . }}{{ end }}{{ template "nil" }}')).toBe('<no value>');
  });

  it('block defines and runs in place; a later definition replaces it', () => {
    const base = parseTemplate('[{{ block "b" . }}default {{ . }}{{ end }}]', 'base');
    expect(base.execute('x')).toBe('[default x]');
    const overlay = parseTemplate('{{ define "b" }}custom {{ . }}{{ end }}', 'overlay', { library: base });
    expect(overlay.executeTemplate('base', 'x')).toBe('[custom x]');
    expect(base.execute('x')).toBe('[default x]');
  });

  it('an empty definition does not replace one with content', () => {
    const lib = parseTemplate('{{ define "a" }}A{{ end }}', 'lib');
    const t = parseTemplate('{{ define "a" }} {{ end }}{{ template "a" }}', 't', { library: lib });
    expect(t.execute(null)).toBe('A');
  });

  it('recursion stops at the depth limit', () => {
    const e = execError('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}');
    expect(e.detail).toBe('exceeded maximum template depth (500)');
  });

  it('an undefined template fails when reached', () => {
    const e = execError('{{ define "item" }}x{{ end }}{{ template "itme" }}');
    expect(e.message).toBe('template: t:1:33: executing "t" at <{{template "itme"}}>: template "itme" not defined (did you mean "item"?)');
  });

  it('lists its templates and runs any of them', () => {
    const t = parseTemplate('{{ define "b" }}B{{ end }}{{ define "a" }}A{{ end }}main', 'm');
    expect(t.templateNames).toEqual(['m', 'a', 'b']);
    expect(t.executeTemplate('a', null)).toBe('A');
    expect(() => t.executeTemplate('c', null)).toThrow('no template "c" associated with template');
  });
});

describe('builtins', () => {
  it('and/or return a deciding argument and short-circuit', () => {
    expect(run('{{ and 1 0 2 }} {{ and 1 2 }} {{ or 0 "" "x" }} {{ or 0 "" }}|')).toBe('0 2 x |');
    expect(
      parseTemplate('{{ or true (fail) }} {{ and false (fail) }}', 't').execute(null, {
        fail: () => {
          throw new Error('evaluated');
        },
      }),
    ).toBe('true false');
  });

  it('not, len, index, slice', () => {
    expect(run('{{ not 0 }} {{ not "x" }}')).toBe('true false');
    expect(run('{{ len "héllo" }} {{ len .a }} {{ len .m }}', { a: [1, 2], m: { x: 'y' } })).toBe('6 2 1');
    expect(
      run('{{ index .a 1 }} {{ index .m "k" }} {{ index .n 0 1 }} {{ index "abc" 1 }}', { a: ['x', 'y'], m: { k: 'v' }, n: [['p', 'q']] }),
    ).toBe('y v q 98');
    expect(run('{{ slice "abcdef" 1 3 }} {{ slice . 1 }} {{ slice . 0 1 }}', ['a', 'b', 'c'])).toBe('bc [b c] [a]');
  });

  it('print, println, printf', () => {
    expect(run('{{ print 1 2 "a" 3 "b" "c" }}')).toBe('1 2a3bc');
    expect(run('{{ println 1 "a" }}')).toBe('1 a\n');
    expect(run('{{ print nil }}')).toBe('<nil>');
    expect(run('{{ printf "%s=%v" "k" 1.5 }}')).toBe('k=1.5');
  });

  it('comparisons by Go rules: same basic kind only', () => {
    expect(run('{{ eq 1 1 }} {{ eq "a" "b" "a" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 2.5 2.5 }}')).toBe(
      'true true true true true true true',
    );
    expect(run('{{ eq .missing "x" }}', anyMap({}))).toBe('false');
    expect(execError('{{ eq 1 1.0 }}').detail).toBe('error calling eq: incompatible types for comparison');
    expect(execError('{{ lt true false }}').detail).toBe('error calling lt: invalid type for comparison');
    expect(execError('{{ eq . . }}', ['a']).detail).toBe('error calling eq: non-comparable type []string');
  });

  it('html, js, urlquery', () => {
    expect(run(`{{ html "<a href='x'>&\\"</a>" }}`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;');
    expect(run('{{ js . }}', `it's <b>"x"</b>\n=`)).toBe(`it\\'s \\u003Cb\\u003E\\"x\\"\\u003C/b\\u003E\\u000A\\u003D`);
    expect(run('{{ urlquery "a b&c=d/é~" }}')).toBe('a+b%26c%3Dd%2F%C3%A9~');
    expect(run('{{ html .nope }}', anyMap({}))).toBe('&lt;no value&gt;');
  });

  it('functions given at execution take precedence over builtins', () => {
    expect(parseTemplate('{{ len "abc" }}', 't').execute(null, { len: () => 'mine' })).toBe('mine');
  });
});

describe('runtime errors name the template and the node, with its position', () => {
  it('an unknown function', () => {
    const e = execError('ok\n  {{ nope 1 }}');
    expect(e.message).toBe('template: t:2:6: executing "t" at <nope>: "nope" is not a defined function (did you mean "not"?)');
    expect([e.line, e.column, e.phase]).toEqual([2, 6, 'execute']);
    expect(execError('{{ lenn . }}', 'x').hint).toBe('did you mean "len"?');
  });

  it('a function that fails, and wrong argument counts', () => {
    const funcs = {
      boom: () => {
        throw new Error('kaput');
      },
    };
    expect(execError('{{ boom }}', null, funcs).message).toBe('template: t:1:4: executing "t" at <boom>: error calling boom: kaput');
    expect(execError('{{ len 1 2 }}').detail).toBe('wrong number of args for len: want 1 got 2');
    expect(execError('{{ printf }}').detail).toBe('wrong number of args for printf: want at least 1 got 0');
  });

  it('fields that do not exist, with a suggestion for structs', () => {
    const e = execError('{{ .Nmae }}', new Host('h', 1));
    expect(e.message).toBe('template: t:1:4: executing "t" at <.Nmae>: can\'t evaluate field Nmae in type Host (did you mean .Name?)');
    expect(execError('{{ .Labels.job.x }}', { Labels: { job: 'a' } }).detail).toBe("can't evaluate field x in type string");
  });

  it('the quoted node is cut after 20 characters', () => {
    expect(execError('{{ printf "%s" 1 2 3 | lenn }}').message).toMatch(/at <lenn>/);
    expect(execError('{{ index .aaaaaaaaaaaaaaaaaaaaaaaaa 5 }}', { aaaaaaaaaaaaaaaaaaaaaaaaa: [] }).message).toContain(
      'at <index .aaaaaaaaaaaaa...>: error calling index: index out of range: 5',
    );
  });

  it('values that cannot be commands or take arguments', () => {
    expect(execError('{{ nil }}').detail).toBe('nil is not a command');
    expect(execError('{{ 3 4 }}').detail).toBe("can't give argument to non-function 3");
    expect(execError('{{ .a 1 }}', { a: 'x' }).detail).toBe('a is not a method but has arguments');
    expect(execError('{{ .Name 1 }}', new Host('h', 1)).detail).toBe('Name has arguments but cannot be invoked as function');
  });

  it('errors inside a defined template name it and point into its text', () => {
    const e = execError('{{ define "inner" }}\n{{ .x.y }}{{ end }}{{ template "inner" . }}', { x: 1 });
    expect(e.message).toBe('template: t:2:4: executing "inner" at <.x.y>: can\'t evaluate field y in type float64');
  });
});

describe('printf in templates', () => {
  it('$value-style floats and int literals', () => {
    // An int literal is no float64: Go reports the verb, printing the operand under the same flags.
    const t = parseTemplate('{{ printf "%.2f" . }} {{ printf "%d" 3 }} {{ printf "%.2f" 3 }} {{ printf "%5.1f%%" . }}', 't');
    expect(t.execute(0.4567)).toBe('0.46 3 %!f(int=03)   0.5%');
  });
});
