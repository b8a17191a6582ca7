// The query set over HTTP against several systems speaking Prometheus's API, as Grafana
// asks (POST /api/v1/query_range with a form), rounds interleaved so that a slow moment of
// a shared machine falls on every system alike; then the table of medians.
import { compareMatrices, mayTie, median, progress, type MatrixSeries } from '@metrics-hub/testing';

export interface QuerySystem {
  name: string;
  url: string;
  /** Extra form fields (e.g. VictoriaMetrics' nocache=1). */
  extra?: Record<string, string>;
}

export interface Window {
  startMs: number;
  endMs: number;
  stepMs: number;
}

export interface Measured {
  /** Every time taken, by system then query (ms, to the last byte of the answer). */
  times: Map<string, Map<string, number[]>>;
  /** The last answer of each system to each query, or the error it gave. */
  answers: Map<string, Map<string, MatrixSeries[] | { error: string }>>;
}

/** One range query, timed to the last byte; the answer parsed afterwards. */
export async function rangeQuery(
  system: QuerySystem,
  query: string,
  w: Window,
): Promise<{ ms: number; answer: MatrixSeries[] | { error: string } }> {
  const body = new URLSearchParams({
    query,
    start: String(w.startMs / 1000),
    end: String(w.endMs / 1000),
    step: String(w.stepMs / 1000),
    ...system.extra,
  });
  const t0 = performance.now();
  const res = await fetch(`${system.url}/api/v1/query_range`, { method: 'POST', body });
  const bytes = await res.arrayBuffer();
  const ms = performance.now() - t0;
  let json: { status?: string; error?: string; data?: { resultType: string; result: MatrixSeries[] } };
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof json;
  } catch {
    return { ms, answer: { error: `HTTP ${res.status}, not JSON: ${Buffer.from(bytes).toString('utf8').slice(0, 200)}` } };
  }
  if (json.status !== 'success' || json.data?.resultType !== 'matrix')
    return { ms, answer: { error: json.error ?? `HTTP ${res.status}, ${json.data?.resultType ?? 'no'} result` } };
  return { ms, answer: json.data.result };
}

/** For each round, each query, each system: `runs` timed runs. */
export async function measure(systems: QuerySystem[], queries: string[], w: Window, rounds: number, runs: number): Promise<Measured> {
  const times = new Map(systems.map((s) => [s.name, new Map(queries.map((q) => [q, [] as number[]]))]));
  const answers: Measured['answers'] = new Map(systems.map((s) => [s.name, new Map()]));
  for (let round = 1; round <= rounds; round++) {
    for (const [qi, query] of queries.entries()) {
      for (const system of systems) {
        progress(`queries: round ${round}/${rounds}, query ${qi + 1}/${queries.length}, ${system.name}`);
        for (let r = 0; r < runs; r++) {
          const { ms, answer } = await rangeQuery(system, query, w);
          answers.get(system.name)!.set(query, answer);
          if ('error' in answer) break;
          times.get(system.name)!.get(query)!.push(ms);
        }
      }
    }
  }
  progress('');
  return { times, answers };
}

/**
 * Whether `system`'s answers agree with `reference`'s, per query. Where they differ, the
 * query is asked again of both with the window moved 5 s off the minute, where no sample
 * of the fleet (10 s apart, jittered by at most 250 ms) can sit on a window's left edge:
 * Prometheus 2.x counts such a sample, 3.x (and the hub) does not, so a difference that
 * goes away there is that rule, not a wrong answer.
 */
export async function agreement(
  m: Measured,
  queries: string[],
  system: QuerySystem,
  reference: QuerySystem,
  w: Window,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const names: [string, string] = [system.name, reference.name];
  for (const [qi, query] of queries.entries()) {
    progress(`comparing answers: query ${qi + 1}/${queries.length}`);
    const ours = m.answers.get(system.name)?.get(query);
    const theirs = m.answers.get(reference.name)?.get(query);
    if (!ours || !theirs || 'error' in ours || 'error' in theirs) {
      out.set(
        query,
        `not compared: ${ours && 'error' in ours ? `${system.name}: ${ours.error}` : ''}${theirs && 'error' in theirs ? ` ${reference.name}: ${theirs.error}` : ''}`,
      );
      continue;
    }
    const options = { ties: mayTie(query), names };
    const aligned = compareMatrices(ours, theirs, options);
    if (aligned.agrees) {
      out.set(query, aligned.text);
      continue;
    }
    const moved = { ...w, startMs: w.startMs + 5000, endMs: w.endMs + 5000 };
    const [a, b] = [await rangeQuery(system, query, moved), await rangeQuery(reference, query, moved)];
    const off = 'error' in a.answer || 'error' in b.answer ? 'an error off the minute' : compareMatrices(a.answer, b.answer, options).text;
    out.set(query, `${aligned.text}; 5 s off the minute: ${off}`);
  }
  progress('');
  return out;
}

/** Medians per query and system, totals, ratios against each peer and the hub's slowest query. */
export function tableRows(m: Measured, systems: QuerySystem[], queries: string[], notes: Map<string, string>): [string, string][] {
  const hub = systems[0].name;
  const med = (s: string, q: string) => median(m.times.get(s)!.get(q)!);
  const cell = (v: number) => (Number.isNaN(v) ? 'error' : v.toFixed(0)).padStart(11);
  const short = (q: string) => (q.length > 64 ? `${q.slice(0, 61)}...` : q);
  const rows: [string, string][] = [['query (ms, median)', `${systems.map((s) => s.name.padStart(11)).join('')}  answers`]];
  for (const q of queries) rows.push([short(q), `${systems.map((s) => cell(med(s.name, q))).join('')}  ${notes.get(q) ?? ''}`]);
  const totals = systems.map((s) => queries.reduce((sum, q) => sum + med(s.name, q), 0));
  rows.push(['whole set', totals.map(cell).join('')]);
  for (const [i, s] of systems.entries()) {
    if (i === 0) continue;
    rows.push([
      `${hub} / ${s.name}`,
      `${(totals[0] / totals[i]).toFixed(2)} (total ${totals[0].toFixed(0)} ms vs ${totals[i].toFixed(0)} ms)`,
    ]);
  }
  const slowest = [...queries].sort((x, y) => med(hub, y) - med(hub, x))[0];
  const others = systems.slice(1).map((s) => `${s.name} ${med(s.name, slowest).toFixed(0)} ms`);
  rows.push([`slowest on ${hub}`, `${med(hub, slowest).toFixed(0)} ms: ${slowest}${others.length ? ` (${others.join(', ')})` : ''}`]);
  return rows;
}
