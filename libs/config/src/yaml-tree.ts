// A YAML file as a tree of values that remember their lines: every mapping entry and list
// item, however deep, can be named with the line it is on. Data built in code becomes the
// same tree without lines, so one schema reads both.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

export interface ConfigNode {
  /** 1-based line where the value starts; undefined for data built in code. */
  line?: number;
  /** The value as plain data: mappings as objects, lists as arrays, scalars as they are. */
  value: unknown;
  /** A mapping's entries, in file order. */
  entries?: ConfigEntry[];
  /** A list's items. */
  items?: ConfigNode[];
}

export interface ConfigEntry {
  key: string;
  /** Line of the key (where the user wrote the entry). */
  line?: number;
  node: ConfigNode;
}

export type Path = (string | number)[];

/** Values a document may expand to through aliases before it is refused (an alias bomb). */
const MAX_NODES = 1_000_000;

/**
 * Parses `text`; YAML mistakes come back as "file:line: what: fix the YAML syntax". An
 * empty document is an empty mapping's worth of nothing: `root` is undefined.
 */
export function parseYamlTree(text: string, file: string): { root?: ConfigNode; problems: string[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  const at = (offset: number | undefined) => (offset === undefined ? file : `${file}:${lineOf(offset)}`);
  if (doc.errors.length) return { problems: doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split('\n')[0]}: fix the YAML syntax`) };
  try {
    // The yaml library's own expansion refuses alias bombs and unresolved aliases.
    doc.toJS();
  } catch (e) {
    return { problems: [`${file}: ${(e as Error).message.split('\n')[0]}: fix the YAML`] };
  }
  if (doc.contents === null) return { problems: [] };
  const builder = new TreeBuilder(doc, lineOf);
  const root = builder.node(doc.contents);
  if (builder.problem) return { problems: [`${at(builder.problem.offset)}: ${builder.problem.text}`] };
  return { root, problems: [] };
}

class TreeBuilder {
  private count = 0;
  private readonly open = new Set<unknown>();
  problem: { offset?: number; text: string } | undefined;

  constructor(
    private readonly doc: Document,
    private readonly lineOf: (offset: number | undefined) => number | undefined,
  ) {}

  node(raw: unknown): ConfigNode {
    const offset = (raw as { range?: number[] } | null)?.range?.[0];
    if (this.problem) return { value: null };
    if (++this.count > MAX_NODES) {
      this.problem = { offset, text: 'the document expands to too many values through aliases: write the values out' };
      return { value: null };
    }
    let target = raw;
    if (isAlias(raw)) target = raw.resolve(this.doc);
    if (this.open.has(target)) {
      this.problem = { offset, text: 'an alias refers to a value that contains it: write the value out' };
      return { value: null };
    }
    const line = this.lineOf(offset);
    if (isMap(target)) {
      this.open.add(target);
      const entries: ConfigEntry[] = target.items.map((pair) => {
        const key = pair.key as { range?: number[] } | null;
        const node = this.node(pair.value);
        return { key: keyText(isAlias(key) ? key.resolve(this.doc) : key), line: this.lineOf(key?.range?.[0]) ?? node.line, node };
      });
      this.open.delete(target);
      return { line, value: plainMapping(entries), entries };
    }
    if (isSeq(target)) {
      this.open.add(target);
      const items = target.items.map((item) => this.node(item));
      this.open.delete(target);
      return { line, value: items.map((i) => i.value), items };
    }
    return { line, value: isScalar(target) ? target.value : null };
  }
}

/** A mapping key as the yaml library names it in plain data (`~` is "", `[a]` is its YAML). */
function keyText(key: unknown): string {
  if (key === null || key === undefined) return '';
  if (isScalar(key)) return key.value === null || key.value === undefined ? '' : String(key.value);
  return String(key);
}

function plainMapping(entries: ConfigEntry[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // defineProperty: a key named __proto__ is data, not the object's prototype.
  for (const e of entries) Object.defineProperty(out, e.key, { value: e.node.value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Plain data built in code as a tree (no lines). */
export function nodeFromValue(value: unknown): ConfigNode {
  if (Array.isArray(value)) {
    const items = value.map(nodeFromValue);
    return { value, items };
  }
  if (isMapping(value)) return { value, entries: Object.entries(value).map(([key, v]) => ({ key, node: nodeFromValue(v) })) };
  return { value: value === undefined ? null : value };
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The entry of `key` in a mapping node (the last one, if written twice). */
export function entryOf(node: ConfigNode | undefined, key: string): ConfigEntry | undefined {
  return node?.entries?.findLast((e) => e.key === key);
}

/**
 * The line to name for `path`: a present entry's key line or item's line; for a missing
 * one, the line of the deepest mapping or list that exists (where it would go), except
 * at the top, where a missing key has no line of its own.
 */
export function lineAt(root: ConfigNode | undefined, path: Path): number | undefined {
  let node = root;
  let line = root?.line;
  for (const [depth, step] of path.entries()) {
    if (typeof step === 'number' && node?.items?.[step]) {
      node = node.items[step];
      line = node.line ?? line;
    } else {
      const entry = typeof step === 'string' ? entryOf(node, step) : undefined;
      if (!entry) return depth === 0 ? undefined : (node?.line ?? line);
      node = entry.node;
      line = entry.line ?? line;
    }
  }
  return line;
}
