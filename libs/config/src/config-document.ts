// A YAML config file read against a schema of sections and keys, each with a kind, a
// default and a line of help. Values come from the environment first
// (<PREFIX>_<SECTION>_<KEY>), then the file, then the default. Every mistake is collected
// with the file and line it is on, what is wrong and how to fix it, and reported at once;
// unknown sections and keys are mistakes too (a typo must not silently become a default).

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export type Kind = 'string' | 'duration' | 'bytes' | 'int' | 'bool' | 'labels' | 'strings';
export type Converted = { value?: unknown; error?: string };

export interface KeySpec {
  /** A built-in kind, or a converter of its own (returning `error` to say what is expected). */
  kind: Kind | ((raw: unknown) => Converted);
  default: unknown;
  help: string;
  /** A password, token or header values: a message about it never shows its value. Keys named like one are secret anyway. */
  secret?: boolean;
}

/** Key names whose values are credentials (or hold them, like headers and URLs with a user:password). */
const SECRET_NAME = /pass|token|secret|credential|auth|header|cookie|api_?key|url/i;

/**
 * What a message may say a bad value was: scalars of ordinary keys as written; nothing of
 * a secret key's value, nor of a mapping or list (a `headers:` mapping holds credentials).
 */
export function shownValue(raw: unknown, spec: Pick<KeySpec, 'secret'>, label: string): string {
  if (raw === undefined) return '';
  if (spec.secret || SECRET_NAME.test(label)) return ' (its value not shown: it may be a secret)';
  if (typeof raw === 'object' && raw !== null) return Array.isArray(raw) ? ' (got a list)' : ' (got a mapping)';
  return ` (got ${JSON.stringify(raw)})`;
}

export type ConfigSchema = Record<string, Record<string, KeySpec>>;

export interface ConfigDocument {
  /** The whole file as plain data. */
  root: Record<string, unknown>;
  /** Mistakes so far; callers add their own checks, then call `finish()`. */
  problems: string[];
  /** "file:line" of a key (its value node, or the nearest enclosing node that exists). */
  where(path: (string | number)[]): string;
  has(path: (string | number)[]): boolean;
  /** A schema key's value, converted; a bad value is reported and its default returned. */
  get<T>(section: string, key: string): T;
  /** Converts `raw` by `spec`, reporting a problem at `path` as `label ...` on failure. */
  field<T>(raw: unknown, spec: KeySpec, path: (string | number)[], label: string, required?: boolean): T;
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const problems: string[] = [];
  const at = (offset: number | undefined) => (offset === undefined ? file : `${file}:${lines.linePos(offset).line}`);
  for (const e of doc.errors) problems.push(`${at(e.pos[0])}: ${e.message.split('\n')[0]}: fix the YAML syntax`);
  if (problems.length) throw new ConfigError(problems);
  const root = (doc.toJS() ?? {}) as Record<string, unknown>;
  const sections = [...Object.keys(schema), ...listSections];
  if (typeof root !== 'object' || Array.isArray(root))
    throw new ConfigError([`${file}: the config must be a mapping of sections (${sections.join(', ')})`]);

  const where = (path: (string | number)[]): string => {
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number] } | undefined;
      if (node?.range) return at(node.range[0]);
    }
    return file;
  };
  for (const section of Object.keys(root)) {
    if (listSections.includes(section)) continue;
    if (!(section in schema)) {
      problems.push(`${where([section])}: unknown section "${section}": use one of ${sections.join(', ')}`);
      continue;
    }
    const sec = root[section];
    if (sec === null || typeof sec !== 'object' || Array.isArray(sec)) {
      problems.push(`${where([section])}: section "${section}" must be a mapping of keys`);
      continue;
    }
    for (const key of Object.keys(sec)) {
      if (!(key in schema[section]))
        problems.push(
          `${where([section, key])}: unknown key "${section}.${key}": known keys are ${Object.keys(schema[section]).join(', ')}`,
        );
    }
  }

  const field = <T>(raw: unknown, spec: KeySpec, path: (string | number)[], label: string, required = false): T => {
    const r = convertValue(raw ?? spec.default, spec.kind);
    if (r.error || (required && r.value === undefined)) {
      problems.push(`${where(path)}: ${label} ${r.error ?? 'is required'}${shownValue(raw, spec, label)}: ${spec.help}`);
      return convertValue(spec.default, spec.kind).value as T;
    }
    return r.value as T;
  };
  const get = <T>(section: string, key: string): T => {
    const spec = schema[section][key];
    const envName = `${envPrefix}_${section}_${key}`.toUpperCase();
    const fromEnv = env[envName];
    const sec = root[section] as Record<string, unknown> | undefined;
    const raw = fromEnv ?? sec?.[key];
    const label = fromEnv !== undefined ? `${section}.${key} (from ${envName})` : `${section}.${key}`;
    return field<T>(raw, spec, [section, key], label);
  };
  return {
    root,
    problems,
    where,
    has: (path) => doc.hasIn(path),
    get,
    field,
    finish: () => {
      if (problems.length) throw new ConfigError(problems);
    },
  };
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

export function convertValue(raw: unknown, kind: KeySpec['kind']): Converted {
  if (raw === undefined || raw === null) return { value: undefined };
  if (typeof kind === 'function') return kind(raw);
  switch (kind) {
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
