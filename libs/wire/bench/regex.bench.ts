/// <reference types="node" />
// Label regex matching: the hub's matcher (RE2 via re2js, with string fast paths for
// glob-shaped patterns) against re2js alone and V8's backtracking RegExp, on ordinary
// matchers over 100,000 label values, and on the pathological `(a|a)*b`. Prints figures,
// asserts nothing.
//   npx tsx libs/wire/bench/regex.bench.ts [--values 100000] [--runs 5]
//
// Why re2js: V8's backtracking engine is exponential on `(a|a)*b`. V8's own linear engine
// (--enable-experimental-regexp-engine-on-excessive-backtracks) is process-wide, must be
// set in every process (hub, Electron utility process, agent, renderer, test workers),
// and does not cover counted repetition: `(a|a){1,100}b` on 32 characters still took 75 s
// with it. The `re2` native bindings (1.27) do build from source here against .node's
// headers (RE2_DOWNLOAD_FORCE_BUILD=1: 16 min on a shared 2-core machine), but each call
// crosses into C++ and converts the string: 140-210 ms per 100,000 short label values,
// slower than re2js; they need a rebuild per Electron ABI and cannot run in the renderer.
// `re2-wasm` copies every string into WASM memory: 700-1,400 ms per 100,000. re2js is pure JavaScript, runs everywhere libs/wire does,
// and the fast paths give back V8's speed on the patterns matchers mostly use.
import { RE2JS } from 're2js';
import { compileMatcher } from '../src/index.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const count = arg('values', 100_000);
const runs = arg('runs', 5);

// Label values shaped like metric names and instances, from a fixed seed.
const words = ['node', 'cpu', 'seconds', 'total', 'memory', 'bytes', 'disk', 'io', 'network', 'receive', 'transmit', 'http', 'requests'];
let seed = 1;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const values: string[] = [];
for (let i = 0; i < count; i++) {
  const parts = Array.from({ length: 2 + Math.floor(rnd() * 4) }, () => words[Math.floor(rnd() * words.length)]);
  values.push(parts.join('_') + (i % 7 === 0 ? `-${i}` : ''));
}

/** The translation the hub used before: an anchored V8 RegExp with the `s` flag. */
function v8(pattern: string): (s: string) => boolean {
  const insensitive = pattern.startsWith('(?i)');
  const re = new RegExp(`^(?:${insensitive ? pattern.slice(4) : pattern})$`, insensitive ? 'si' : 's');
  return (s) => re.test(s);
}
function re2jsOnly(pattern: string): (s: string) => boolean {
  const re = RE2JS.compile(`^(?s:${pattern})$`);
  return (s) => re.testExact(s);
}
function hub(pattern: string): (s: string) => boolean {
  return compileMatcher({ type: '=~', name: 'x', value: pattern }).matches;
}

/** Median over runs of the ms one pass over every value takes. */
function time(test: (s: string) => boolean): { ms: number; hits: number } {
  const times: number[] = [];
  let hits = 0;
  for (let r = 0; r < runs + 1; r++) {
    hits = 0;
    const t = performance.now();
    for (const v of values) if (test(v)) hits++;
    if (r > 0) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1], hits };
}

const patterns = [
  'node_.*',
  '.*_total',
  '.*cpu.*',
  '.+',
  'node_cpu_seconds_total|node_memory_bytes|http_requests',
  'node_(cpu|memory)_.*',
  '(?i)NODE_CPU.*',
  '[a-z_]+-[0-9]+',
];
console.log(`ordinary matchers over ${count} label values (median of ${runs} passes, ms)`);
console.log(`${'pattern'.padEnd(56)} ${'V8'.padStart(8)} ${'re2js'.padStart(8)} ${'hub'.padStart(8)}  matches`);
for (const p of patterns) {
  const a = time(v8(p));
  const b = time(re2jsOnly(p));
  const c = time(hub(p));
  if (a.hits !== b.hits || b.hits !== c.hits) throw new Error(`${p}: the engines disagree (${a.hits}, ${b.hits}, ${c.hits})`);
  console.log(`${p.padEnd(56)} ${a.ms.toFixed(1).padStart(8)} ${b.ms.toFixed(1).padStart(8)} ${c.ms.toFixed(1).padStart(8)}  ${c.hits}`);
}

console.log("\n(a|a)*b against n a's (one match, ms; V8 doubles per character)");
let v8At24 = 0;
for (const n of [16, 20, 24, 32, 1_000, 100_000]) {
  const s = 'a'.repeat(n);
  let shown: string;
  if (n <= 24) {
    const t = performance.now();
    v8('(a|a)*b')(s);
    v8At24 = performance.now() - t;
    shown = v8At24.toFixed(1);
  } else {
    shown = n <= 64 ? `~${((v8At24 * 2 ** (n - 24)) / 1000).toFixed(0)} s projected` : 'never ends';
  }
  const t = performance.now();
  hub('(a|a)*b')(s);
  console.log(`n=${String(n).padEnd(7)} V8 ${shown.padStart(18)}   hub ${(performance.now() - t).toFixed(2).padStart(7)}`);
}
