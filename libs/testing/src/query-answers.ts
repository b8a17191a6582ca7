// Whether two systems gave the same answer to a range query, in the shape of Prometheus's
// JSON (`data.result` of a matrix): the same series, and at every step the same value
// within a relative tolerance. For the benchmarks that run a query set on the hub beside
// Prometheus (or any peer speaking its API).

export interface MatrixSeries {
  metric: Record<string, string>;
  /** [seconds, value as text], as Prometheus sends them. */
  values: [number, string][];
}

export interface AgreementOptions {
  /** Largest difference counted as equal, relative to the larger value (default 1e-6; and 1e-12 apart is always equal). */
  tolerance?: number;
  /**
   * Compare each step's values as a sorted list, not series by series: for topk/bottomk,
   * where equal values may be chosen from different series (see `mayTie`).
   */
  ties?: boolean;
  /** The two sides' names in the text (default 'ours' and 'theirs'). */
  names?: [string, string];
}

export interface Agreement {
  agrees: boolean;
  /** One line: `agree: 50 series, 72000 points` or what differs, with the largest difference. */
  text: string;
  /** Points compared (present on both sides). */
  compared: number;
  /** Points that differ beyond the tolerance, plus those present on one side only. */
  differing: number;
}

/** Whether a query's answer may legitimately pick different series among equal values. */
export function mayTie(query: string): boolean {
  return /\b(topk|bottomk|limitk)\s*\(/.test(query);
}

/** The agreement of `ours` with `theirs`, point by point (see AgreementOptions). */
export function compareMatrices(ours: readonly MatrixSeries[], theirs: readonly MatrixSeries[], options: AgreementOptions = {}): Agreement {
  const tolerance = options.tolerance ?? 1e-6;
  const [a, b] = options.names ?? ['ours', 'theirs'];
  // Each side as groups of (step -> value): per series, or per step for ties.
  const group = options.ties ? byStep : bySeries;
  const mine = group(ours);
  const their = group(theirs);
  let compared = 0;
  let differ = 0;
  let onlyMine = 0;
  let onlyTheirs = 0;
  let worst: { rel: number; where: string } | undefined;
  const keys = new Set([...mine.keys(), ...their.keys()]);
  for (const key of keys) {
    const m = mine.get(key) ?? [];
    const t = their.get(key) ?? [];
    if (m.length !== t.length && options.ties) {
      if (m.length > t.length) onlyMine += m.length - t.length;
      else onlyTheirs += t.length - m.length;
    }
    const n = options.ties ? Math.min(m.length, t.length) : 0;
    const pairs: [Point | undefined, Point | undefined][] = options.ties
      ? Array.from({ length: n }, (_, i) => [m[i], t[i]])
      : joinByTime(m, t);
    for (const [x, y] of pairs) {
      if (!x) onlyTheirs++;
      else if (!y) onlyMine++;
      else {
        compared++;
        if (same(x.v, y.v, tolerance)) continue;
        differ++;
        const rel = Math.abs(x.v - y.v) / Math.max(Math.abs(x.v), Math.abs(y.v));
        if (!worst || !(rel <= worst.rel))
          worst = { rel, where: `${options.ties ? '' : `${key} `}at ${x.t}: ${a} ${x.text}, ${b} ${y.text}` };
      }
    }
  }
  const seriesNote = ours.length === theirs.length ? `${ours.length} series` : `${ours.length} series in ${a}, ${theirs.length} in ${b}`;
  const differing = differ + onlyMine + onlyTheirs;
  // Without ties the series must be the same ones too; with them only each step's values count.
  const agrees = differing === 0 && (options.ties || ours.length === theirs.length);
  if (agrees)
    return {
      agrees,
      compared,
      differing,
      text: `agree: ${seriesNote}, ${compared} points${options.ties ? ' (compared step by step: ties)' : ''}`,
    };
  const parts = [`DIFFER: ${seriesNote}, ${compared} points compared`];
  if (differ) parts.push(`${differ} differ (largest ${worst?.where})`);
  if (onlyMine) parts.push(`${onlyMine} only in ${a}`);
  if (onlyTheirs) parts.push(`${onlyTheirs} only in ${b}`);
  return { agrees, compared, differing, text: parts.join(', ') };
}

interface Point {
  t: number;
  v: number;
  text: string;
}

function labelsKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

function bySeries(matrix: readonly MatrixSeries[]): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  for (const s of matrix)
    out.set(
      labelsKey(s.metric),
      s.values.map(([t, text]) => ({ t, v: Number(text), text })),
    );
  return out;
}

/** Each step's values, sorted (NaN last), under the step's time. */
function byStep(matrix: readonly MatrixSeries[]): Map<string, Point[]> {
  const out = new Map<string, Point[]>();
  for (const s of matrix) {
    for (const [t, text] of s.values) {
      const key = String(t);
      if (!out.has(key)) out.set(key, []);
      out.get(key)!.push({ t, v: Number(text), text });
    }
  }
  for (const points of out.values()) points.sort((x, y) => (x.v !== x.v ? 1 : y.v !== y.v ? -1 : x.v - y.v));
  return out;
}

/** The points of two series paired by time, a side missing where it has none. */
function joinByTime(m: Point[], t: Point[]): [Point | undefined, Point | undefined][] {
  const theirs = new Map(t.map((p) => [p.t, p]));
  const out: [Point | undefined, Point | undefined][] = [];
  for (const p of m) {
    out.push([p, theirs.get(p.t)]);
    theirs.delete(p.t);
  }
  for (const p of theirs.values()) out.push([undefined, p]);
  return out;
}

function same(x: number, y: number, tolerance: number): boolean {
  if (x === y || (x !== x && y !== y)) return true;
  // Sums of floats taken in another order differ in their last bits, also around zero
  // (where no relative tolerance helps): below 1e-12 apart is the same.
  return Math.abs(x - y) <= Math.max(tolerance * Math.max(Math.abs(x), Math.abs(y)), 1e-12);
}

/**
 * How many series and samples a server speaking Prometheus's API holds from `startMs` to
 * `endMs` (both included), by instant queries of count_over_time over that span, a metric
 * name at a time (count_over_time drops the name, so series of several names would
 * collide): to check that a load kept everything (nothing refused, nothing deleted by retention).
 */
export async function storedSamples(url: string, startMs: number, endMs: number): Promise<{ series: number; samples: number }> {
  const seconds = Math.ceil((endMs - startMs) / 1000) + 1;
  const ask = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
    const body = (await res.json()) as { status: string; error?: string; data: T };
    if (body.status !== 'success') throw new Error(`${url}${path} refused ${JSON.stringify(params)}: ${body.error}`);
    return body.data;
  };
  const value = async (query: string) =>
    Number(
      (await ask<{ result: { value: [number, string] }[] }>('/api/v1/query', { query, time: String(endMs / 1000) })).result[0]?.value[1] ??
        0,
    );
  const names = await ask<string[]>('/api/v1/label/__name__/values', {});
  let series = 0;
  let samples = 0;
  for (const name of names) {
    const selector = `count_over_time({__name__=${JSON.stringify(name)}}[${seconds}s])`;
    series += await value(`count(${selector})`);
    samples += await value(`sum(${selector})`);
  }
  return { series, samples };
}
