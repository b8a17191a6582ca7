// A YAML config file read against a schema of sections and keys, each with a kind, a
// default and a line of help. Values come from the environment first
// (<PREFIX>_<SECTION>_<KEY>), then the file, then the default. Every mistake is collected
// with the file and line it is on, what is wrong and how to fix it, and reported at once;
// unknown sections and keys are mistakes too (a typo must not silently become a default).

import { readFileSync } from 'node:fs';
import { invalidText, missingText, shownValue, unknownKeyText } from './messages.ts';
import { kind, type Converted, type Schema } from './schema.ts';
import { isMapping, lineAt, parseYamlTree, type Path } from './yaml-tree.ts';

export { shownValue };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export type Kind = 'string' | 'duration' | 'bytes' | 'int' | 'bool' | 'labels' | 'strings';

export interface KeySpec {
  /** A built-in kind, or a converter of its own (returning `error` to say what is expected). */
  kind: Kind | ((raw: unknown) => Converted);
  default: unknown;
  help: string;
  /** A password, token or header values: a message about it never shows its value. Keys named like one are secret anyway. */
  secret?: boolean;
}

export type ConfigSchema = Record<string, Record<string, KeySpec>>;

export interface ConfigDocument {
  /** The whole file as plain data. */
  root: Record<string, unknown>;
  /** Mistakes so far; callers add their own checks, then call `finish()`. */
  problems: string[];
  /** "file:line" of a key (or of the mapping or list it is missing from). */
  where(path: Path): string;
  has(path: Path): boolean;
  /** A schema key's value, converted; a bad value is reported and its default returned. */
  get<T>(section: string, key: string): T;
  /** Converts `raw` by `spec`, reporting a problem at `path` as `label ...` on failure. */
  field<T>(raw: unknown, spec: KeySpec, path: Path, label: string, required?: boolean): T;
  /** Throws a ConfigError with every problem, if there are any. */
  finish(): void;
}

/**
 * Parses `text` (from `file`) against `schema`. Sections named in `listSections` hold
 * lists the caller reads itself; every other top-level key must be a schema section.
 */
export function openConfigDocument(
  text: string,
  file: string,
  options: { schema: ConfigSchema; envPrefix: string; env?: NodeJS.ProcessEnv; listSections?: string[] },
): ConfigDocument {
  const { schema, envPrefix, env = {}, listSections = [] } = options;
  const parsed = parseYamlTree(text, file);
  if (parsed.problems.length) throw new ConfigError(parsed.problems);
  const tree = parsed.root;
  const root = (tree?.value ?? {}) as Record<string, unknown>;
  const sections = [...Object.keys(schema), ...listSections];
  if (!isMapping(root)) throw new ConfigError([`${file}: the config must be a mapping of sections (${sections.join(', ')})`]);
  const problems: string[] = [];

  const where = (path: Path): string => {
    const line = lineAt(tree, path);
    return line === undefined ? file : `${file}:${line}`;
  };
  for (const { key: section, node } of tree?.entries ?? []) {
    if (listSections.includes(section)) continue;
    if (!Object.hasOwn(schema, section)) {
      problems.push(`${where([section])}: ${unknownKeyText(section, sections, { label: '' }, 'section')}`);
      continue;
    }
    if (!node.entries) {
      problems.push(`${where([section])}: section "${section}" must be a mapping of keys`);
      continue;
    }
    for (const { key } of node.entries)
      if (!Object.hasOwn(schema[section], key))
        problems.push(`${where([section, key])}: ${unknownKeyText(key, Object.keys(schema[section]), { label: section })}`);
  }

  const field = <T>(raw: unknown, spec: KeySpec, path: Path, label: string, required = false): T => {
    const r = convertValue(raw ?? spec.default, spec.kind);
    if (r.error || (required && r.value === undefined)) {
      problems.push(`${where(path)}: ${r.error ? invalidText(label, r.error, raw, spec) : missingText(label, spec)}`);
      return convertValue(spec.default, spec.kind).value as T;
    }
    return r.value as T;
  };
  const get = <T>(section: string, key: string): T => {
    const spec = schema[section][key];
    const envName = `${envPrefix}_${section}_${key}`.toUpperCase();
    const fromEnv = env[envName];
    const sec = root[section] as Record<string, unknown> | undefined;
    const raw = fromEnv ?? (isMapping(sec) ? sec[key] : undefined);
    const label = fromEnv !== undefined ? `${section}.${key} (from ${envName})` : `${section}.${key}`;
    return field<T>(raw, spec, [section, key], label);
  };
  return {
    root,
    problems,
    where,
    has: (path) => pathExists(root, path),
    get,
    field,
    finish: () => {
      if (problems.length) throw new ConfigError(problems);
    },
  };
}

function pathExists(root: unknown, path: Path): boolean {
  let v = root;
  for (const step of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, step)) return false;
    v = (v as Record<string | number, unknown>)[step];
  }
  return true;
}

/** The text of a config file, or a ConfigError saying how to point at the right one. */
export function readConfigText(path: string, option = '--config'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([`${path}: cannot read the config file (${(e as Error).message}): check the path given with ${option}`]);
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** A key kind of hub.yaml and agent.yaml (`duration`, `bytes`, ...) as a schema, for files read with schemas. */
export function kindSchema<T>(keyKind: KeySpec['kind']): Schema<T> {
  return kind<T>((raw) => convertValue(raw, keyKind) as Converted<T>);
}

export function convertValue(raw: unknown, keyKind: KeySpec['kind']): Converted {
  if (raw === undefined || raw === null) return { value: undefined };
  if (typeof keyKind === 'function') return keyKind(raw);
  switch (keyKind) {
    case 'string':
      return typeof raw === 'string' || typeof raw === 'number' ? { value: String(raw) } : { error: 'must be text' };
    case 'int': {
      const n = Number(raw);
      return Number.isInteger(n) && n >= 0 ? { value: n } : { error: 'must be a whole number' };
    }
    case 'bool':
      if (raw === true || raw === 'true') return { value: true };
      if (raw === false || raw === 'false') return { value: false };
      return { error: 'must be true or false' };
    case 'duration': {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(String(raw).trim());
      return m ? { value: Number(m[1]) * DURATION_UNITS[m[2]] } : { error: 'must be a duration like 500ms, 10s, 5m, 1h or 7d' };
    }
    case 'bytes': {
      const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i.exec(String(raw).trim());
      return m
        ? { value: Math.round(Number(m[1]) * BYTE_UNITS[(m[2] ?? '').toLowerCase()]) }
        : { error: 'must be a size like 512KiB, 256MiB or 1GB' };
    }
    case 'labels': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return { error: 'must be a mapping of label names to values' };
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) return { error: `has an invalid label name ${JSON.stringify(k)}` };
        out[k] = String(v);
      }
      return { value: out };
    }
    case 'strings':
      return Array.isArray(raw) ? { value: raw.map(String) } : { error: 'must be a list, e.g. [a, b]' };
  }
}
