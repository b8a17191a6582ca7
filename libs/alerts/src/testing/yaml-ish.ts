// Arbitraries for fuzzing the YAML readers (rule files, alerting.yml): valid files with a
// few edits (characters changed, ranges dropped or repeated, YAML's own tokens put in:
// anchors, aliases, tags, flow brackets, tabs, duplicate keys), and YAML-ish text from
// scratch.
import fc from 'fast-check';

const TOKENS = [
  ':',
  ': ',
  '- ',
  '\n',
  '\n  ',
  '\t',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ',',
  '#',
  '&a ',
  '*a',
  '!!binary ',
  '!!str ',
  '<<: *a\n',
  '|\n',
  '>-\n',
  '---\n',
  '...\n',
  '? ',
  '%YAML 1.2\n',
  '\u0000',
  '\ud800',
  '~',
  'null',
  '1e400',
  '0x7fffffffffffffff',
  'expr: ',
  'for: ',
  'labels: ',
  'matchers: ',
  'receiver: ',
  'routes:\n  - ',
];

export function mutatedYaml(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc
    .record({
      seed: fc.constantFrom(...seeds),
      edits: fc.array(
        fc.record({
          at: fc.nat(),
          kind: fc.constantFrom('flip', 'delete', 'insert', 'repeat'),
          arg: fc.nat({ max: 120 }),
          token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ unit: 'binary', maxLength: 3 })),
        }),
        { maxLength: 5 },
      ),
      truncate: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ seed, edits, truncate }) => {
      let text = seed;
      for (const e of edits) {
        const at = text.length === 0 ? 0 : e.at % text.length;
        if (e.kind === 'flip')
          text = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << (e.arg % 7))) + text.slice(at + 1);
        else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + 1 + (e.arg % 40));
        else if (e.kind === 'insert') text = text.slice(0, at) + e.token + text.slice(at);
        else text = text.slice(0, at) + text.slice(at, at + e.arg).repeat(2) + text.slice(at);
      }
      return truncate === undefined ? text : text.slice(0, truncate % (text.length + 1));
    });
}

/** YAML-ish text from scratch: YAML's tokens, words and any characters. */
export const yamlIsh: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(
      fc.oneof(fc.constantFrom(...TOKENS), fc.constantFrom('groups', 'name', 'rules', 'alert', 'up', 'x', '1', 'route', 'receivers')),
      {
        maxLength: 60,
      },
    )
    .map((t) => t.join('')),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** An alias bomb ("billion laughs"): each level refers to the one before several times. */
export const aliasBomb: fc.Arbitrary<string> = fc
  .record({ levels: fc.integer({ min: 2, max: 12 }), fan: fc.integer({ min: 2, max: 9 }) })
  .map(({ levels, fan }) => {
    const lines = ['a0: &a0 [lol]'];
    for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: fan }, () => `*a${i - 1}`).join(', ')}]`);
    return `${lines.join('\n')}\n`;
  });
