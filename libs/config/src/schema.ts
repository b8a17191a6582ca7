// Small declarative schemas for config files: what each key may hold (text, a number, an
// enum, a custom kind such as a duration or a matcher), nested mappings, lists, and
// mappings of the user's own keys. Reading a value against a schema collects every
// problem with the line it is on, in the shared wording of messages.ts, and gives back the
// value (partial where there were problems: callers use it only when there were none, or
// for checks that must still run, like a config's cross-references).

import { invalidText, missingText, unknownKeyText } from './messages.ts';
import { entryOf, nodeFromValue, parseYamlTree, type ConfigNode } from './yaml-tree.ts';

/** A value's place in its file, and how a message names it. */
export interface Place {
  /** The value; undefined when the key is missing. */
  node?: ConfigNode;
  line?: number;
  /** A key path (`route.routes[0].group_wait`), a thing (`group "g"`), or '' for the whole document. */
  label: string;
  /** The label names a thing, so keys under it read `group "g": interval`. */
  named?: boolean;
  /** How to fix a bad value of this key, said after the problem. */
  help?: string;
  /** Never show its value. */
  secret?: boolean;
  /** The mapping it is a key of (to name a list item after what holds the list). */
  parent?: Place;
}
export type Present = Place & { node: ConfigNode };

export interface Problem {
  line?: number;
  /** The label of what is wrong (a key path: `http_config.basic_auth.username`). */
  field: string;
  /** The whole message but the place: `route.group_wait must be a duration ... : ...`. */
  message: string;
}

/** Problems found while reading one file (or one value built in code, without a file). */
export class Reading {
  readonly problems: Problem[] = [];
  constructor(readonly file = '') {}

  report(place: Place, message: string): void {
    this.problems.push({ line: place.line, field: place.label, message });
  }

  /** `<label> <what> (got <value>): <help>` */
  invalid(place: Place, what: string): void {
    this.report(place, invalidText(place.label || 'the config', what, place.node?.value, place));
  }

  /** "file:line", "file", or '' when read from code. */
  where(at: { line?: number }): string {
    return this.file && at.line !== undefined ? `${this.file}:${at.line}` : this.file;
  }

  /** Every problem as "file:line: message". */
  messages(): string[] {
    return this.problems.map((p) => (this.file ? `${this.where(p)}: ${p.message}` : p.message));
  }
}

export interface Schema<T> {
  /** Reads a value that is there (not null); reports what is wrong and gives undefined when nothing is usable. */
  read(place: Present, reading: Reading): T | undefined;
}

/** A key of a mapping: its schema, and what happens when it is missing (YAML's empty value counts as missing). */
export interface FieldSpec<T> {
  schema: Schema<T>;
  help?: string;
  secret?: boolean;
  /** Given when the key is missing, and when its value is wrong (the problem is reported). */
  default?: T;
  required?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: a field of any value type
type AnyField = Schema<any> | FieldSpec<any>;
type FieldValue<F> =
  F extends FieldSpec<infer T>
    ? F extends { default: unknown } | { required: true }
      ? T
      : T | undefined
    : F extends Schema<infer T>
      ? T | undefined
      : never;
export type ObjectOf<F extends Record<string, AnyField>> = { [K in keyof F]: FieldValue<F[K]> };

export type Converted<T = unknown> = { value?: T; error?: string };

/** The place of `key` in the mapping at `parent`; a missing key is placed at its mapping (at the top: nowhere). */
export function childPlace(parent: Place, key: string, spec: { help?: string; secret?: boolean } = {}): Place {
  const entry = entryOf(parent.node, key);
  const label = parent.label === '' ? key : parent.named ? `${parent.label}: ${key}` : `${parent.label}.${key}`;
  const line = entry ? (entry.line ?? parent.line) : parent.label === '' ? undefined : (parent.node?.line ?? parent.line);
  return { node: entry?.node, line, label, parent, ...spec };
}

/** Reads `key` of the mapping at `parent` by its field spec. */
export function readField<T>(parent: Place, key: string, field: Schema<T> | FieldSpec<T>, reading: Reading): T | undefined {
  const spec: FieldSpec<T> = 'schema' in field ? field : { schema: field };
  const place = childPlace(parent, key, { help: spec.help, secret: spec.secret });
  if (!place.node || place.node.value === null) {
    if (spec.required) reading.report(place, missingText(place.label, spec));
    return spec.default;
  }
  return spec.schema.read(place as Present, reading) ?? spec.default;
}

/** A value kind: `convert` gives the value, or an error saying what it must be ("must be a duration like 5m"). */
export function kind<T>(convert: (raw: unknown) => Converted<T>): Schema<T> {
  return {
    read(place, reading) {
      const r = convert(place.node.value);
      if (r.error !== undefined) reading.invalid(place, r.error);
      return r.error === undefined ? r.value : undefined;
    },
  };
}

export const text = kind<string>((raw) => (typeof raw === 'string' ? { value: raw } : { error: 'must be text' }));
export const bool = kind<boolean>((raw) => (typeof raw === 'boolean' ? { value: raw } : { error: 'must be true or false' }));
export const wholeNumber = kind<number>((raw) =>
  typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? { value: raw } : { error: 'must be a whole number (0 or more)' },
);
/** Any value, kept as plain data (a section handed on to code that reads it itself). */
export const anything: Schema<unknown> = { read: (place) => place.node.value };

export function oneOf<T extends string>(values: readonly T[]): Schema<T> {
  const list = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return kind<T>((raw) => ((values as readonly unknown[]).includes(raw) ? { value: raw as T } : { error: `must be ${list}` }));
}

/** A mapping of known keys; others are reported, with the key they most likely meant. */
export function object<F extends Record<string, AnyField>>(
  fields: F,
  options: {
    /** "must be <expected>" when it is not a mapping; default "a mapping". */
    expected?: string;
    /** Keys that exist elsewhere (Alertmanager, Prometheus) but not here, with how to do without. */
    notSupported?: Record<string, string>;
  } = {},
): Schema<ObjectOf<F>> {
  const known = Object.keys(fields);
  return {
    read(place, reading) {
      const entries = place.node.entries;
      if (!entries) {
        reading.invalid(place, `must be ${options.expected ?? 'a mapping'}`);
        return undefined;
      }
      for (const e of entries) {
        if (Object.hasOwn(fields, e.key)) continue;
        const child = childPlace(place, e.key);
        const fix = options.notSupported && Object.hasOwn(options.notSupported, e.key) ? options.notSupported[e.key] : undefined;
        reading.report(child, fix !== undefined ? `${child.label} is not supported: ${fix}` : unknownKeyText(e.key, known, place));
      }
      const out: Record<string, unknown> = {};
      for (const key of known) out[key] = readField(place, key, fields[key], reading);
      return out as ObjectOf<F>;
    },
  };
}

/**
 * A list; items that cannot be read are reported and left out. `itemLabel` names an item
 * (`group "g"`) instead of `groups[0]` (undefined: by its index).
 */
export function list<T>(
  item: Schema<T>,
  options: { itemLabel?: (node: ConfigNode, index: number, list: Place) => string | undefined } = {},
): Schema<T[]> {
  return {
    read(place, reading) {
      const items = place.node.items;
      if (!items) {
        reading.invalid(place, 'must be a list (entries starting with "- ", or [a, b])');
        return undefined;
      }
      const out: T[] = [];
      items.forEach((node, i) => {
        const name = options.itemLabel?.(node, i, place);
        const value = item.read(
          { node, line: node.line ?? place.line, label: name ?? `${place.label}[${i}]`, named: name !== undefined },
          reading,
        );
        if (value !== undefined) out.push(value);
      });
      return out;
    },
  };
}

/** A mapping of the user's own keys (label names, header names) to values of one schema. */
export function mapOf<T>(
  value: Schema<T>,
  options: { expected?: string; keyProblem?: (key: string) => string | undefined } = {},
): Schema<Record<string, T>> {
  return {
    read(place, reading) {
      const entries = place.node.entries;
      if (!entries) {
        reading.invalid(place, `must be ${options.expected ?? 'a mapping'}`);
        return undefined;
      }
      const out: Record<string, T> = {};
      for (const e of entries) {
        const child = childPlace(place, e.key, { secret: place.secret });
        const keyProblem = options.keyProblem?.(e.key);
        if (keyProblem) {
          reading.report(child, `${place.label}: ${keyProblem}`);
          continue;
        }
        const v = value.read({ ...child, node: e.node }, reading);
        // defineProperty: a key named __proto__ is data, not the object's prototype.
        if (v !== undefined) Object.defineProperty(out, e.key, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    },
  };
}

/** Reading by hand, for what a declaration cannot say (a choice between shapes). */
export function custom<T>(read: (place: Present, reading: Reading) => T | undefined): Schema<T> {
  return { read };
}

/** A schema defined later (a route holds routes). */
export function lazy<T>(get: () => Schema<T>): Schema<T> {
  return { read: (place, reading) => get().read(place, reading) };
}

/** `schema`'s value turned into another (checks across keys go here); undefined drops it. */
export function transform<T, U>(schema: Schema<T>, fn: (value: T, place: Present, reading: Reading) => U | undefined): Schema<U> {
  return {
    read(place, reading) {
      const v = schema.read(place, reading);
      return v === undefined ? undefined : fn(v, place, reading);
    },
  };
}

/** Reads a YAML file; an empty file (or `~`) is an empty mapping. */
export function readYaml<T>(text: string, file: string, schema: Schema<T>): { value?: T; problems: string[] } {
  const parsed = parseYamlTree(text, file);
  if (parsed.problems.length) return { problems: parsed.problems };
  const reading = new Reading(file);
  const root = parsed.root && parsed.root.value !== null ? parsed.root : { line: parsed.root?.line, value: {}, entries: [] };
  const value = schema.read({ node: root, line: root.line, label: '' }, reading);
  return { value, problems: reading.messages() };
}

/** Reads data built in code (or handed on from a file as plain data): problems have no line. */
export function readValue<T>(
  value: unknown,
  schema: Schema<T>,
  root: Omit<Place, 'node'> = { label: '' },
): { value?: T; problems: Problem[] } {
  const reading = new Reading();
  const node = nodeFromValue(value === undefined || value === null ? {} : value);
  return { value: schema.read({ ...root, node }, reading), problems: reading.problems };
}
