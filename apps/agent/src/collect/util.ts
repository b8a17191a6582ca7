// Helpers shared by the collectors: reading procfs/sysfs files with errors that say
// which file and why, and building metric families.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MetricFamily, MetricSample, MetricType } from '@metrics-hub/expfmt';
import type { CollectContext } from './collector.ts';

/** An error code of a failed fs call, if any. */
export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** True for the errors that mean "the file is not there" (or a process vanished while we read it). */
export function isNotFound(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ESRCH';
}

/**
 * An Error whose message names the collector, the file and the reason:
 * `pressure: /proc/pressure/cpu not found (kernel without PSI, or running in a container)`.
 */
export function fileError(collector: string, file: string, err: unknown, hint?: string): Error {
  const code = errnoCode(err);
  const why = hint ? ` (${hint})` : '';
  let message: string;
  if (code === 'ENOENT' || code === 'ENOTDIR') message = `${collector}: ${file} not found${why}`;
  else if (code === 'EACCES' || code === 'EPERM') message = `${collector}: ${file}: permission denied${why}`;
  else if (code === 'EOPNOTSUPP' || code === 'ENOTSUP') message = `${collector}: ${file}: operation not supported${why}`;
  else message = `${collector}: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`;
  return new Error(message, { cause: err });
}

// procfs and sysfs files are made by the kernel on read, in memory: synchronous reads are
// cheaper than the thread-pool round trip of async ones, which matters at a 1 s interval.
// (statfs, which can hang on a dead network mount, stays asynchronous.)

/** Reads a whole file as UTF-8; a failure becomes a {@link fileError}. */
export async function readText(collector: string, file: string, hint?: string): Promise<string> {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw fileError(collector, file, err, hint);
  }
}

/** Reads a file that may legitimately be missing (or unreadable): undefined then. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Directory entries, or undefined when the directory is missing or unreadable. */
export async function listOptional(dir: string): Promise<string[] | undefined> {
  try {
    return readdirSync(dir);
  } catch {
    return undefined;
  }
}

export function procPath(ctx: CollectContext, ...parts: string[]): string {
  return path.join(ctx.paths.procfs, ...parts);
}

export function sysPath(ctx: CollectContext, ...parts: string[]): string {
  return path.join(ctx.paths.sysfs, ...parts);
}

export function rootPath(ctx: CollectContext, ...parts: string[]): string {
  return path.join(ctx.paths.rootfs, ...parts);
}

/** Splits on runs of blanks (Go's strings.Fields). */
export function fields(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** A finite number from a kernel text field, or throws naming the file. */
export function parseNumber(collector: string, file: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) throw new Error(`${collector}: ${file}: malformed value ${JSON.stringify(text)}`);
  return v;
}

// Base units that may end a metric name; the OpenMetrics `unit` of the family.
const UNITS = ['seconds', 'bytes', 'celsius', 'volts', 'amps', 'ratio', 'hertz'];

function unitOf(name: string, type: MetricType): string {
  const base = type === 'counter' && name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
  const last = base.slice(base.lastIndexOf('_') + 1);
  return UNITS.includes(last) ? last : '';
}

/** A family under construction: one name, type and help; samples added in order. */
export class FamilyBuilder {
  readonly samples: MetricSample[] = [];

  constructor(
    readonly name: string,
    readonly type: MetricType,
    readonly help: string,
  ) {}

  add(value: number, labels: Record<string, string> = {}): this {
    this.samples.push({ name: this.name, labels, value });
    return this;
  }

  build(): MetricFamily {
    return { name: this.name, type: this.type, help: this.help, unit: unitOf(this.name, this.type), samples: this.samples };
  }
}

export function gauge(name: string, help: string): FamilyBuilder {
  return new FamilyBuilder(name, 'gauge', help);
}

export function counter(name: string, help: string): FamilyBuilder {
  return new FamilyBuilder(name, 'counter', help);
}

/** Untyped in the Prometheus text format. */
export function untyped(name: string, help: string): FamilyBuilder {
  return new FamilyBuilder(name, 'unknown', help);
}

/**
 * Families keyed by name, created on first use: for collectors whose metric names come
 * from the data (meminfo, vmstat, hwmon). The first help text given for a name wins.
 */
export class FamilySet {
  private readonly byName = new Map<string, FamilyBuilder>();

  get(name: string, type: MetricType, help: string): FamilyBuilder {
    let f = this.byName.get(name);
    if (!f) {
      f = new FamilyBuilder(name, type, help);
      this.byName.set(name, f);
    }
    return f;
  }

  /** Families in the order they were first used. */
  build(): MetricFamily[] {
    return [...this.byName.values()].map((f) => f.build());
  }
}

/** Drops families without samples (node_exporter does not expose a metric it has no value for). */
export function nonEmpty(families: Array<FamilyBuilder | MetricFamily>): MetricFamily[] {
  const out: MetricFamily[] = [];
  for (const f of families) {
    const fam = f instanceof FamilyBuilder ? f.build() : f;
    if (fam.samples.length > 0) out.push(fam);
  }
  return out;
}

/** Runs async work over items with at most `limit` in flight; results in item order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The platform the collectors run on: the context's, else the process's. */
export function platformOf(ctx: CollectContext): string {
  return ctx.platform ?? process.platform;
}

/**
 * A Linux collector: refuses with "not supported yet on <platform>" elsewhere, and drops
 * families that ended up without samples.
 */
export function linuxCollector(
  name: string,
  collect: (ctx: CollectContext) => Promise<Array<FamilyBuilder | MetricFamily>>,
): { readonly name: string; collect(ctx: CollectContext): Promise<MetricFamily[]> } {
  return {
    name,
    async collect(ctx) {
      const platform = platformOf(ctx);
      if (platform !== 'linux') throw new Error(`${name}: not supported yet on ${platform}`);
      return nonEmpty(await collect(ctx));
    },
  };
}
