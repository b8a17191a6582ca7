// What every benchmark shares around its measurements: its command-line options, progress
// on stderr and the figures as a plain table on stdout.

/**
 * `--name value` pairs over `defaults` (`--kebab-case` for camelCase keys), plus `--dir` (a
 * folder for the benchmark's files). An option whose default is a number takes a number;
 * one whose default is a string takes any word (e.g. `--peers none`). Throws on an unknown
 * option, a missing value or a value that is not a number where one is needed.
 */
export function parseBenchArgs<T extends Record<string, number | string>>(argv: string[], defaults: T): T & { dir?: string } {
  const out: Record<string, number | string> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = argv[++i];
    if (value === undefined) throw new Error(`${argv[i - 1]} needs a value`);
    if (!(key in defaults) && key !== 'dir')
      throw new Error(
        `unknown option ${argv[i - 1]}: use ${Object.keys(defaults)
          .map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`)
          .join(', ')} or --dir`,
      );
    const text = key === 'dir' || typeof defaults[key] === 'string';
    out[key] = text ? value : Number(value);
    if (!text && !Number.isFinite(out[key])) throw new Error(`--${key} needs a number, got ${value}`);
  }
  return out as T & { dir?: string };
}

/** The `p`th percentile (0..100) of `values`, nearest rank; NaN for none. Leaves `values` as it was. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The median of `values` (the lower middle one of an even count, a value that was measured); NaN for none. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

let lastProgress = 0;
/** A progress line on stderr: rewritten in place on a terminal, at most every 5 s otherwise; '' clears it. */
export function progress(text: string): void {
  if (!process.stderr.isTTY) {
    if (text && Date.now() - lastProgress > 5000) {
      process.stderr.write(`${text}\n`);
      lastProgress = Date.now();
    }
    return;
  }
  process.stderr.write(`\r\x1b[K${text}`);
}

/** A title and `name  value` rows, names padded to one column, on stdout. */
export function printTable(title: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}
