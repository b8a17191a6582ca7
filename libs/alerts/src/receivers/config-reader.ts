// Reads one receiver config (as parsed from YAML, snake_case keys) field by field, so every
// mistake names its field: a wrong type, a missing value, or a key Alertmanager's loader would
// also reject as unknown (a typo such as `send_resolve` must not be silently ignored).

import { tryParsePromDuration } from '@metrics-hub/promql';
import { ReceiverConfigError } from './errors.ts';

type Mapping = Record<string, unknown>;

export class ConfigReader {
  private readonly read = new Set<string>();

  private constructor(
    readonly kind: string,
    private readonly values: Mapping,
    private readonly prefix: string,
  ) {}

  static of(kind: string, raw: unknown): ConfigReader {
    if (raw === undefined || raw === null) raw = {};
    if (!isMapping(raw)) throw new ReceiverConfigError(kind, '', `the config must be a mapping of fields, got ${describe(raw, 'url')}`);
    return new ConfigReader(kind, raw, '');
  }

  path(key: string): string {
    return this.prefix ? `${this.prefix}.${key}` : key;
  }

  fail(key: string, problem: string): never {
    throw new ReceiverConfigError(this.kind, this.path(key), problem);
  }

  /** The raw value; YAML's empty value (null) counts as absent. */
  private take(key: string): unknown {
    this.read.add(key);
    const v = this.values[key];
    return v === null ? undefined : v;
  }

  has(key: string): boolean {
    const v = this.values[key];
    return v !== undefined && v !== null;
  }

  string(key: string): string | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(key, `expected a string, got ${describe(v, key)}`);
    return v;
  }

  requiredString(key: string, hint = ''): string {
    const v = this.string(key);
    if (v === undefined || v.trim() === '') this.fail(key, `is required${hint ? ` (${hint})` : ''}`);
    return v;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(key, `expected true or false, got ${describe(v, key)}`);
    return v;
  }

  nonNegativeInteger(key: string, fallback: number): number {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(key, `expected a whole number >= 0, got ${describe(v, key)}`);
    return v;
  }

  /** A Prometheus duration (`10s`, `1m30s`, `500ms`) in milliseconds. */
  duration(key: string, fallbackMs: number): number {
    const v = this.take(key);
    if (v === undefined) return fallbackMs;
    const ms = typeof v === 'string' ? tryParsePromDuration(v) : undefined;
    if (ms === undefined) this.fail(key, `expected a duration such as 10s or 1m30s, got ${describe(v, key)}`);
    return ms;
  }

  /** A duration that must be longer than zero (a timeout of 0 would never fire). */
  positiveDuration(key: string, fallbackMs: number): number {
    const ms = this.duration(key, fallbackMs);
    if (ms <= 0) this.fail(key, 'must be longer than 0s');
    return ms;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) this.fail(key, `expected one of ${allowed.join(', ')}, got "${v}"`);
    return v as T;
  }

  /** An absolute http:// or https:// URL. */
  httpUrl(key: string): string | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      this.fail(key, 'is not a URL (its value not shown: it may hold a token)');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') this.fail(key, `expected an http:// or https:// URL, got ${url.protocol}`);
    return v;
  }

  stringMap(key: string): Record<string, string> | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (!isMapping(v)) this.fail(key, `expected a mapping of names to strings, got ${describe(v)}`);
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(v)) {
      if (typeof value !== 'string') this.fail(`${key}.${name}`, `expected a string, got ${describe(value, key)}`);
      out[name] = value;
    }
    return out;
  }

  stringList(key: string): string[] | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(key, `expected a list of strings, got ${describe(v)}`);
    return v.map((item, i) => {
      if (typeof item !== 'string') this.fail(`${key}[${i}]`, `expected a string, got ${describe(item, key)}`);
      return item;
    });
  }

  section(key: string): ConfigReader | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (!isMapping(v)) this.fail(key, `expected a mapping, got ${describe(v)}`);
    return new ConfigReader(this.kind, v, this.path(key));
  }

  sections(key: string): ConfigReader[] | undefined {
    const v = this.take(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(key, `expected a list, got ${describe(v)}`);
    return v.map((item, i) => {
      if (!isMapping(item)) this.fail(`${key}[${i}]`, `expected a mapping, got ${describe(item)}`);
      return new ConfigReader(this.kind, item, this.path(`${key}[${i}]`));
    });
  }

  /** Call last: any key nobody asked for is a mistake. */
  finish(): void {
    for (const key of Object.keys(this.values)) {
      if (!this.read.has(key)) {
        const known = [...this.read].sort().join(', ');
        this.fail(key, `unknown field (known fields: ${known})`);
      }
    }
  }
}

function isMapping(v: unknown): v is Mapping {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Fields whose values are credentials, or hold them (Slack and webhook URLs carry a token). */
const SECRET_FIELD = /pass|token|secret|credential|auth|url|key|header/i;

/** What a bad value was, for a message: a secret field's value is never shown, only its kind. */
function describe(v: unknown, key = ''): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (SECRET_FIELD.test(key)) return `a ${typeof v} (its value not shown: it may be a secret)`;
  if (typeof v === 'string') return `"${v}"`;
  return `${typeof v} ${String(v)}`;
}
