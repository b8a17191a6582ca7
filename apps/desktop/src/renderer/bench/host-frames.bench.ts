// How smooth is the host view with twelve charts of one hour at 1 s, updating every
// second? Feeds a hub (in this process) an hour of node_* series for one agent straight
// into its store, keeps appending a point a second, opens #/host/<id>/live1h in Debian's
// Chromium and measures in the page for ~20 s: the work of each redraw frame (the chart
// group reports it), requestAnimationFrame intervals, and long tasks (> 50 ms).
//
//   npx tsx apps/desktop/src/renderer/bench/host-frames.bench.ts [--seconds 20] [--hours 1]

import { parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { chromiumAvailable, launchChromium, newPage, startUiHub } from '../testing/ui-harness.ts';

const args = parseBenchArgs(process.argv.slice(2), { seconds: 20, hours: 1 });
const AGENT = 'bench-1';
const base = { job: 'node', instance: AGENT };

/** A node_exporter-shaped host: each series with a generator of its value at second i. */
function hostSeries(): { labels: Record<string, string>; value: (i: number) => number }[] {
  const out: { labels: Record<string, string>; value: (i: number) => number }[] = [];
  const modes: Record<string, number> = {
    idle: 0.6,
    user: 0.25,
    system: 0.08,
    iowait: 0.03,
    nice: 0.01,
    irq: 0.01,
    softirq: 0.01,
    steal: 0.01,
  };
  for (const cpu of ['0', '1']) {
    for (const [mode, share] of Object.entries(modes)) {
      let acc = 1e5;
      out.push({
        labels: { __name__: 'node_cpu_seconds_total', ...base, cpu, mode },
        value: (i) => (acc += share * (1 + 0.3 * Math.sin(i / 90 + cpu.length))) + 0 * i,
      });
    }
  }
  const wave = (period: number, lo: number, hi: number) => (i: number) => lo + ((hi - lo) * (1 + Math.sin(i / period))) / 2;
  const counter = (rate: number, period: number) => {
    let acc = 1e9;
    return (i: number) => (acc += Math.round(rate * (1.2 + Math.sin(i / period))));
  };
  const g = (name: string, value: (i: number) => number, extra: Record<string, string> = {}) =>
    out.push({ labels: { __name__: name, ...base, ...extra }, value });
  g('node_load1', wave(60, 0.2, 3));
  g('node_load5', wave(300, 0.5, 2));
  g('node_load15', wave(900, 0.8, 1.5));
  g('node_memory_MemTotal_bytes', () => 16 * 2 ** 30);
  g('node_memory_MemAvailable_bytes', wave(600, 4 * 2 ** 30, 10 * 2 ** 30));
  g('node_memory_SwapTotal_bytes', () => 2 * 2 ** 30);
  g('node_memory_SwapFree_bytes', wave(1200, 1.5 * 2 ** 30, 2 * 2 ** 30));
  const disk = { device: 'vda' };
  g('node_disk_read_bytes_total', counter(2e6, 120), disk);
  g('node_disk_written_bytes_total', counter(5e6, 200), disk);
  const fs = { device: '/dev/vda', fstype: 'ext4', mountpoint: '/' };
  g('node_filesystem_size_bytes', () => 100 * 2 ** 30, fs);
  g('node_filesystem_avail_bytes', (i) => 60 * 2 ** 30 - i * 4096, fs);
  const nic = { device: 'eth0' };
  g('node_network_receive_bytes_total', counter(3e5, 45), nic);
  g('node_network_transmit_bytes_total', counter(1e5, 70), nic);
  g('node_network_receive_errs_total', counter(0.2, 400), nic);
  g('node_network_transmit_errs_total', counter(0.1, 500), nic);
  g('node_network_receive_drop_total', counter(0.5, 300), nic);
  g('node_network_transmit_drop_total', counter(0.3, 350), nic);
  g('node_context_switches_total', counter(8000, 100));
  g('node_intr_total', counter(4000, 130));
  g('node_procs_running', wave(30, 1, 8));
  g('node_procs_blocked', wave(200, 0, 2));
  return out;
}

function median(xs: number[]): number {
  return quantile(xs, 0.5);
}
function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const ms = (v: number) => `${v.toFixed(2)} ms`;

if (!chromiumAvailable()) {
  console.log('host-frames: /usr/bin/chromium is not installed; skipped');
  process.exit(0);
}

const ui = await startUiHub();
type AppendSeries = Parameters<typeof ui.hub.store.append>[0][number];
const series = hostSeries();
const historySec = Math.round(args.hours * 3600);
let second = Math.floor(Date.now() / 1000) - historySec;
let i = 0;
let refs: (number | undefined)[] = [];
/** Appends seconds [second, untilSec) of every series in one store append. */
function appendUntil(untilSec: number): number {
  const n = untilSec - second;
  if (n <= 0) return 0;
  const batch: AppendSeries[] = series.map((s, k) => {
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      timestamps[j] = (second + j) * 1000;
      values[j] = s.value(i + j);
    }
    const ref = refs[k];
    return ref !== undefined ? { ref, timestamps, values } : { labels: s.labels, timestamps, values };
  });
  const r = ui.hub.store.append(batch);
  if (refs.length === 0) refs = r.refs;
  second += n;
  i += n;
  return r.appended;
}

const t0 = performance.now();
let appended = 0;
const nowSec = () => Math.floor(Date.now() / 1000);
while (second < nowSec() - 1) {
  appended += appendUntil(Math.min(second + 600, nowSec()));
  progress(`feeding the store: ${appended} samples`);
}
progress('');
const feedMs = performance.now() - t0;
// Then a point a second, as the agent would deliver it.
const feeder = setInterval(() => appendUntil(nowSec() + 1), 1000);

const browser = await launchChromium();
const { page, errors } = await newPage(browser);
// A string, not a function: tsx's transform would add helpers (__name) the page lacks.
await page.addInitScript(`
  window.__hostviewFrameWork = [];
  window.__longTasks = [];
  window.__rafDeltas = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  let last = 0;
  const loop = (t) => { if (last) window.__rafDeltas.push(t - last); last = t; requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
`);
const tOpen = performance.now();
await page.goto(`${ui.url}#/host/${AGENT}/live1h`);
await page.waitForFunction(
  (min) => {
    const cs = [...document.querySelectorAll<HTMLElement>('.chart')];
    return cs.length === 12 && cs.every((c) => Number(c.dataset.points) >= min);
  },
  historySec * 0.9,
  { timeout: 120_000, polling: 200 },
);
const loadMs = performance.now() - tOpen;
// Measure the steady state only: forget the initial load's frames and tasks.
await page.waitForTimeout(1500);
// Long tasks of the first load (12 x 3600-point range queries parsed and drawn): shows the observer works.
const loadTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
const startX = await page.$eval('.chart[data-chart="CPU busy"]', (c) => Number((c as HTMLElement).dataset.lastX));
await page.evaluate(() => {
  const w = window as unknown as { __hostviewFrameWork: number[]; __longTasks: number[]; __rafDeltas: number[] };
  w.__hostviewFrameWork.length = 0;
  w.__longTasks.length = 0;
  w.__rafDeltas.length = 0;
});
for (let s = 0; s < args.seconds; s++) {
  progress(`measuring ${s + 1}/${args.seconds} s`);
  await page.waitForTimeout(1000);
}
progress('');
const m = await page.evaluate(() => {
  const w = window as unknown as { __hostviewFrameWork: number[]; __longTasks: number[]; __rafDeltas: number[] };
  const points = [...document.querySelectorAll<HTMLElement>('.chart')].map((c) => Number(c.dataset.points));
  const lastX = Number(document.querySelector<HTMLElement>('.chart[data-chart="CPU busy"]')!.dataset.lastX);
  return { work: [...w.__hostviewFrameWork], longTasks: [...w.__longTasks], raf: [...w.__rafDeltas], points, lastX };
});
clearInterval(feeder);
await browser.close();
await ui.stop();

const longest = m.longTasks.length ? Math.max(...m.longTasks) : 0;
printTable(`host view: 12 charts x ${args.hours} h at 1 s, live, ${args.seconds} s measured (Chromium ${process.arch})`, [
  [
    'store fed',
    `${series.length} series x ${historySec} s = ${(series.length * historySec).toLocaleString('en')} samples in ${(feedMs / 1000).toFixed(1)} s`,
  ],
  ['first load (12 range queries + draw)', ms(loadMs)],
  ['long tasks during first load', `${loadTasks.length}, longest ${ms(Math.max(0, ...loadTasks))}`],
  ['points per chart', `${Math.min(...m.points)}-${Math.max(...m.points)}`],
  ['live advance', `${(m.lastX - startX).toFixed(0)} s of new points in ${args.seconds} s`],
  ['redraw frames', String(m.work.length)],
  ['redraw frame work, median', ms(median(m.work))],
  ['redraw frame work, p95', ms(quantile(m.work, 0.95))],
  ['redraw frame work, max', ms(Math.max(0, ...m.work))],
  ['rAF interval, median', ms(median(m.raf))],
  ['rAF interval, p95', ms(quantile(m.raf, 0.95))],
  ['long tasks (> 50 ms)', `${m.longTasks.length}, longest ${ms(longest)}`],
  ['target', `median frame <= 8 ms, no long task > 50 ms: ${median(m.work) <= 8 && longest <= 50 ? 'met' : 'NOT met'}`],
  ['page errors', String(errors.length ? errors.join('; ') : 0)],
]);
