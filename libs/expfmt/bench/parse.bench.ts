// Parse throughput on a generated page of about 1,000,000 samples. Prints figures, asserts nothing.
//   npx tsx libs/expfmt/bench/parse.bench.ts [--samples 1000000] [--runs 5] [--chunk 65536]
import { ExpositionParser, type MetricFamily, type MetricSample, parseExposition, writeExposition } from '../src/index.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const target = arg('samples', 1_000_000);
const runs = arg('runs', 5);
const chunkSize = arg('chunk', 65536);

/** A page shaped like a big exporter: labelled counters, gauges and histograms, a few timestamps. */
function generate(samples: number): MetricFamily[] {
  const families: MetricFamily[] = [];
  const modes = ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user'];
  const bounds = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
  let n = 0;
  let f = 0;
  while (n < samples) {
    const kind = f % 3;
    const out: MetricSample[] = [];
    let type: MetricFamily['type'];
    let name: string;
    if (kind === 0) {
      type = 'counter';
      name = `bench_cpu_seconds_${f}_total`;
      for (let cpu = 0; cpu < 64 && n < samples; cpu++) {
        for (const mode of modes) {
          out.push({
            name,
            labels: { instance: `host-${f % 50}.example.org:9100`, cpu: String(cpu), mode },
            value: (cpu * 1000 + f) * 1.37,
          });
          n++;
        }
      }
    } else if (kind === 1) {
      type = 'gauge';
      name = `bench_filesystem_avail_bytes_${f}`;
      for (let i = 0; i < 400 && n < samples; i++) {
        out.push({
          name,
          labels: { device: `/dev/sd${i}`, fstype: 'ext4', mountpoint: `/srv/data/${i}` },
          value: 1.6777216e10 - i * 4096,
          timestampMs: 1_700_000_000_000 + i,
        });
        n++;
      }
    } else {
      type = 'histogram';
      name = `bench_http_request_duration_seconds_${f}`;
      for (let h = 0; h < 40 && n < samples; h++) {
        const labels = { handler: `/api/v1/route${h}`, method: h % 2 ? 'GET' : 'POST', code: '200' };
        for (let b = 0; b < bounds.length; b++)
          out.push({ name: `${name}_bucket`, labels: { ...labels, le: bounds[b] }, value: b * 17 + h });
        out.push({ name: `${name}_sum`, labels, value: 0.1 + h * 3.25 });
        out.push({ name: `${name}_count`, labels, value: 11 * 17 + h });
        n += bounds.length + 2;
      }
    }
    families.push({ name, type, help: `Generated family ${f} of the parse benchmark.`, unit: '', samples: out });
    f++;
  }
  return families;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x: number, d = 1) => x.toFixed(d);

const families = generate(target);
for (const format of ['prometheus', 'openmetrics'] as const) {
  const t0 = performance.now();
  const text = writeExposition(families, format);
  const writeMs = performance.now() - t0;
  const bytes = new TextEncoder().encode(text).length;
  const mb = bytes / 1e6;
  let samples = 0;
  const whole: number[] = [];
  const chunked: number[] = [];
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    const res = parseExposition(text, { format });
    whole.push(performance.now() - t);
    samples = res.samples;
    if (res.problems.length) throw new Error(`unexpected problems: ${JSON.stringify(res.problems.slice(0, 3))}`);
    t = performance.now();
    const p = new ExpositionParser({ format });
    let count = 0;
    for (let i = 0; i < text.length; i += chunkSize) for (const fam of p.push(text.slice(i, i + chunkSize))) count += fam.samples.length;
    for (const fam of p.end().families) count += fam.samples.length;
    chunked.push(performance.now() - t);
    if (count !== samples) throw new Error(`chunked parse kept ${count} samples, whole ${samples}`);
  }
  const w = median(whole) / 1000;
  const c = median(chunked) / 1000;
  console.log(`${format}: ${samples} samples, ${families.length} families, ${fmt(mb)} MB (UTF-8)`);
  console.log(
    `  parseExposition (whole text)      ${fmt(w * 1000, 0)} ms  ${fmt(samples / w / 1e6, 2)} M samples/s  ${fmt(mb / w)} MB/s  (median of ${runs})`,
  );
  console.log(
    `  ExpositionParser (${chunkSize}-char chunks) ${fmt(c * 1000, 0)} ms  ${fmt(samples / c / 1e6, 2)} M samples/s  ${fmt(mb / c)} MB/s`,
  );
  console.log(`  writeExposition                   ${fmt(writeMs, 0)} ms  ${fmt(samples / (writeMs / 1000) / 1e6, 2)} M samples/s`);
}
