import { describe, expect, it } from 'vitest';
import { closest } from './messages.ts';
import {
  bool,
  custom,
  kind,
  lazy,
  list,
  mapOf,
  object,
  oneOf,
  readValue,
  readYaml,
  text,
  transform,
  wholeNumber,
  type Schema,
} from './schema.ts';
import { lineAt, parseYamlTree } from './yaml-tree.ts';

const size = kind<number>((raw) => (raw === 'S' ? { value: 1 } : raw === 'L' ? { value: 3 } : { error: 'must be S or L' }));

interface Shelf {
  name: string;
  size: number | undefined;
  boxes: { label: string; open: boolean }[];
  tags: Record<string, string>;
  shelves: Shelf[] | undefined;
}
const shelf: Schema<Shelf> = object({
  name: { schema: text, required: true, help: 'what the shelf is called' },
  size: { schema: size, help: 'write S or L' },
  boxes: {
    schema: list(object({ label: { schema: text, required: true }, open: { schema: bool, default: false } }), {
      itemLabel: (node, i) =>
        `box #${i + 1}${typeof (node.value as { label?: unknown }).label === 'string' ? ` (${(node.value as { label: string }).label})` : ''}`,
    }),
    default: [],
  },
  tags: {
    schema: mapOf(text, { keyProblem: (k) => (k.startsWith('_') ? `${JSON.stringify(k)} is reserved: use another name` : undefined) }),
    default: {},
  },
  shelves: lazy(() => list(shelf)),
});
const room = object(
  { shelf: { schema: shelf, required: true }, floor: wholeNumber, light: oneOf(['on', 'off', 'auto']) },
  { notSupported: { windows: 'rooms here have none: remove the key' } },
);

describe('schemas', () => {
  it('read nested mappings, lists and mappings of user keys into typed values', () => {
    const r = readYaml(
      'shelf:\n  name: top\n  size: L\n  boxes:\n    - label: a\n    - { label: b, open: true }\n  tags: { colour: red }\n  shelves: [{ name: inner }]\nlight: auto\n',
      'room.yaml',
      room,
    );
    expect(r.problems).toEqual([]);
    expect(r.value).toEqual({
      shelf: {
        name: 'top',
        size: 3,
        boxes: [
          { label: 'a', open: false },
          { label: 'b', open: true },
        ],
        tags: { colour: 'red' },
        shelves: [{ name: 'inner', size: undefined, boxes: [], tags: {}, shelves: undefined }],
      },
      floor: undefined,
      light: 'auto',
    });
  });

  it('name every mistake with its line and key path, however deep, all at once', () => {
    const r = readYaml(
      [
        'shelf:', // 1
        '  nme: top', // 2
        '  size: M', // 3
        '  boxes:', // 4
        '    - label: a', // 5
        '      open: maybe', // 6
        '    - open: true', // 7
        '  tags: { _id: x, ok: [1] }', // 8
        '  shelves:', // 9
        '    - name: inner', // 10
        '      size: XL', // 11
        'floor: -1', // 12
        'light: dim', // 13
        'windows: 4', // 14
      ].join('\n'),
      'room.yaml',
      room,
    );
    expect(r.problems).toEqual([
      'room.yaml:14: windows is not supported: rooms here have none: remove the key',
      'room.yaml:2: unknown key "shelf.nme": did you mean "name"? Known keys are name, size, boxes, tags, shelves',
      'room.yaml:2: shelf.name is required: what the shelf is called',
      'room.yaml:3: shelf.size must be S or L (got "M"): write S or L',
      'room.yaml:6: box #1 (a): open must be true or false (got "maybe")',
      'room.yaml:7: box #2: label is required',
      'room.yaml:8: shelf.tags: "_id" is reserved: use another name',
      'room.yaml:8: shelf.tags.ok must be text (got a list)',
      'room.yaml:11: shelf.shelves[0].size must be S or L (got "XL"): write S or L',
      'room.yaml:12: floor must be a whole number (0 or more) (got -1)',
      'room.yaml:13: light must be one of on, off, auto (got "dim")',
    ]);
  });

  it('take YAML’s empty value as missing, and an empty file as an empty mapping', () => {
    expect(readYaml('shelf:\n  name: a\n  size:\nlight: ~\n', 'f', room).value).toMatchObject({
      shelf: { size: undefined },
      light: undefined,
    });
    expect(readYaml('', 'f', room).problems).toEqual(['f: shelf is required']);
    expect(readYaml('# nothing\n', 'f', room).problems).toEqual(['f: shelf is required']);
    expect(readYaml('- a\n', 'f', room).problems).toEqual(['f:1: the config must be a mapping (got a list)']);
  });

  it('let checks across keys report at the line of the key they are about', () => {
    const pair = transform(object({ low: wholeNumber, high: wholeNumber }), (v, place, reading) => {
      if (v.low !== undefined && v.high !== undefined && v.low > v.high)
        reading.report({ ...place, line: place.node.entries?.[1].line }, `${place.label} has low above high: swap them`);
      return v;
    });
    expect(readYaml('range:\n  low: 5\n  high: 2\n', 'f', object({ range: pair })).problems).toEqual([
      'f:3: range has low above high: swap them',
    ]);
  });

  it('read data built in code the same way, without lines, never showing a secret', () => {
    const r = readValue({ shelf: { name: 1, token: 'hunter2' } }, room);
    expect(r.problems.map((p) => [p.field, p.message])).toEqual([
      ['shelf.token', 'unknown key "shelf.token": known keys are name, size, boxes, tags, shelves'],
      ['shelf.name', 'shelf.name must be text (got 1): what the shelf is called'],
    ]);
    expect(readValue('hunter2', room, { label: '', secret: true }).problems[0].message).toBe(
      'the config must be a mapping (its value not shown: it may be a secret)',
    );
  });

  it('refuses YAML mistakes, aliases that contain themselves, and alias bombs', () => {
    expect(readYaml('a: [\n', 'f', room).problems[0]).toMatch(/^f:\d+: .*: fix the YAML syntax$/);
    expect(readYaml('shelf: &s { name: a, shelves: [*s] }\n', 'f', room).problems).toEqual([
      'f:1: an alias refers to a value that contains it: write the value out',
    ]);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    expect(
      readYaml(
        `${bomb.join('\n')}\n`,
        'f',
        custom(() => 1),
      ).problems[0],
    ).toMatch(/^f: .*: fix the YAML$/);
  });
});

describe('lines', () => {
  it('are those of keys and items; a missing key is placed at the mapping it would go in', () => {
    const { root } = parseYamlTree('a:\n  b:\n    - x\n    - c: 1\nd: 2\n', 'f');
    expect(lineAt(root, ['a'])).toBe(1);
    expect(lineAt(root, ['a', 'b', 1, 'c'])).toBe(4);
    expect(lineAt(root, ['a', 'b', 1, 'zz'])).toBe(4);
    expect(lineAt(root, ['a', 'zz'])).toBe(2);
    expect(lineAt(root, ['zz'])).toBeUndefined();
  });
});

describe('did you mean', () => {
  it('names a key a typo or two away, in any case, and nothing when none is close', () => {
    expect(closest('lables', ['labels', 'annotations'])).toBe('labels');
    expect(closest('Group_Wait', ['group_wait', 'group_by'])).toBe('group_wait');
    expect(closest('colour', ['url', 'name'])).toBeUndefined();
  });
});
