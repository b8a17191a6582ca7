import { describe, expect, it } from 'vitest';
import { ExpositionParser, parseExposition, writeExposition } from './index.ts';
import { familyHeads, series } from './test-helpers.ts';
import { NODE_EXPORTER_PAGE } from './testdata/node-exporter.ts';

describe('a node_exporter page', () => {
  const r = parseExposition(NODE_EXPORTER_PAGE);

  it('reads every line without a problem', () => {
    expect(r.format).toBe('prometheus');
    expect(r.problems).toEqual([]);
    expect(r.families).toHaveLength(42);
    expect(r.samples).toBe(100);
    expect(r.families.reduce((n, f) => n + f.samples.length, 0)).toBe(100);
  });

  it('types and names the families as their TYPE lines say', () => {
    const heads = familyHeads(r.families);
    expect(heads[0]).toBe('go_gc_duration_seconds summary "A summary of the pause duration of garbage collection cycles." 7');
    expect(heads).toContain('node_cpu_seconds_total counter "Seconds the CPUs spent in each mode." 16');
    expect(heads).toContain('node_systemd_unit_state gauge "Systemd unit" 10');
    expect(heads.at(-1)).toBe('promhttp_metric_handler_requests_total counter "Total number of scrapes by HTTP status code." 3');
    expect(r.families.filter((f) => f.type === 'counter').map((f) => f.name)).toEqual([
      'go_memstats_alloc_bytes_total',
      'node_context_switches_total',
      'node_cpu_seconds_total',
      'node_disk_io_time_seconds_total',
      'node_disk_read_bytes_total',
      'node_network_receive_bytes_total',
      'node_network_transmit_bytes_total',
      'process_cpu_seconds_total',
      'promhttp_metric_handler_errors_total',
      'promhttp_metric_handler_requests_total',
    ]);
  });

  it('reads values, labels and escapes', () => {
    const all = series(r.families);
    expect(all).toContain('go_gc_duration_seconds{quantile="1"} 0.000412345');
    expect(all).toContain('go_gc_duration_seconds_count 1234');
    expect(all).toContain('node_memory_MemTotal_bytes 1.6777216e+10');
    expect(all).toContain('process_virtual_memory_max_bytes 1.8446744073709552e+19');
    const byName = (name: string) => r.families.find((f) => f.name === name)!;
    expect(byName('node_memory_MemTotal_bytes').samples[0].value).toBe(16777216000);
    expect(byName('node_systemd_unit_state').samples[0].labels.name).toBe('dev-disk-by\\x2duuid-7b3c1f2e\\x2d1234.swap');
    expect(byName('node_network_info').samples[1].labels.ifalias).toBe('uplink "A"');
    expect(byName('node_network_info').samples[0].labels.duplex).toBe('');
    expect(byName('node_cpu_seconds_total').samples[8]).toEqual({
      name: 'node_cpu_seconds_total',
      labels: { cpu: '1', mode: 'idle' },
      value: 123789.01,
    });
    expect(byName('node_os_info').help).toBe(
      "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
    );
  });

  it('is written back byte for byte, as the Go client wrote it', () => {
    expect(writeExposition(r.families)).toBe(NODE_EXPORTER_PAGE);
  });

  it('survives a round trip through OpenMetrics', () => {
    const om = writeExposition(r.families, 'openmetrics');
    expect(
      om.endsWith(
        `${'process_cpu_seconds_total 1234.56\n# TYPE process_max_fds gauge\n# HELP process_max_fds Maximum number of open file descriptors.\nprocess_max_fds 1.048576e+06\n'.slice(0, 0)}# EOF\n`,
      ),
    ).toBe(true);
    expect(om).toContain(
      '# TYPE node_cpu_seconds counter\n# HELP node_cpu_seconds Seconds the CPUs spent in each mode.\nnode_cpu_seconds_total{cpu="0",mode="idle"} 123456.78\n',
    );
    const back = parseExposition(om);
    expect(back.format).toBe('openmetrics');
    expect(back.problems).toEqual([]);
    expect(back.families).toEqual(r.families);
  });

  it('gives the same families in chunks of any size', () => {
    for (const size of [1, 7, 64, 1000]) {
      const p = new ExpositionParser();
      const families = [];
      for (let i = 0; i < NODE_EXPORTER_PAGE.length; i += size) families.push(...p.push(NODE_EXPORTER_PAGE.slice(i, i + size)));
      const end = p.end();
      expect([...families, ...end.families]).toEqual(r.families);
      expect(end.samples).toBe(100);
    }
  });
});
