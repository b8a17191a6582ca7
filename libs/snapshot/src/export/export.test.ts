import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STALE_NAN } from '@metrics-hub/wire';
import { exportSelection, type ExportFormat, type ExportOptions } from '../index.ts';
import { tempStore, type TempStore } from '../testing/temp-store.ts';

// 2024-01-01T00:00:00Z
const T0 = 1704067200000;

let ts: TempStore;
beforeEach(() => {
  ts = tempStore();
  ts.store.append([
    {
      labels: { __name__: 'load', instance: 'a' },
      timestamps: [T0, T0 + 1000, T0 + 2000],
      values: Float64Array.of(1.5, STALE_NAN, -Infinity),
    },
    { labels: { __name__: 'load', instance: 'b,"x"' }, timestamps: [T0 + 1000, T0 + 2500], values: Float64Array.of(1e6, NaN) },
    { labels: { __name__: 'up', job: 'j' }, timestamps: [T0 + 500], values: Float64Array.of(Infinity) },
  ]);
  ts.store.setMetadata('load', { type: 'gauge', help: 'Load "avg"\nper min', unit: '' });
});
afterEach(() => ts.cleanup());

function run(format: ExportFormat, selector: string, extra: Partial<ExportOptions> = {}): { text: string; chunks: string[] } {
  const chunks: string[] = [];
  exportSelection(ts.store, { format, selection: { selector }, startMs: T0, endMs: T0 + 10_000, ...extra }, (c) => chunks.push(c));
  return { text: chunks.join(''), chunks };
}

describe('csv-long', () => {
  it('writes one row per sample with label columns, RFC 4180 quoting and no staleness markers', () => {
    expect(run('csv-long', '{__name__=~"load|up"}').text).toBe(
      [
        'timestamp,unix_ms,value,__name__,instance,job',
        '2024-01-01T00:00:00.000Z,1704067200000,1.5,load,a,',
        '2024-01-01T00:00:02.000Z,1704067202000,-Inf,load,a,',
        '2024-01-01T00:00:01.000Z,1704067201000,1e+06,load,"b,""x""",',
        '2024-01-01T00:00:02.500Z,1704067202500,NaN,load,"b,""x""",',
        '2024-01-01T00:00:00.500Z,1704067200500,+Inf,up,,j',
        '',
      ].join('\r\n'),
    );
  });

  it('streams in pieces rather than one string', () => {
    const { chunks, text } = run('csv-long', 'load', { chunkChars: 40 });
    expect(chunks.length).toBeGreaterThan(3);
    expect(text.split('\r\n')).toHaveLength(6);
  });
});

describe('csv-wide', () => {
  it('writes the union of timestamps with empty cells', () => {
    expect(run('csv-wide', '{__name__=~"load|up"}').text).toBe(
      [
        'timestamp,unix_ms,"load{instance=""a""}","load{instance=""b,\\""x\\""""}","up{job=""j""}"',
        '2024-01-01T00:00:00.000Z,1704067200000,1.5,,',
        '2024-01-01T00:00:00.500Z,1704067200500,,,+Inf',
        '2024-01-01T00:00:01.000Z,1704067201000,,1e+06,',
        '2024-01-01T00:00:02.000Z,1704067202000,-Inf,,',
        '2024-01-01T00:00:02.500Z,1704067202500,,NaN,',
        '',
      ].join('\r\n'),
    );
  });
});

describe('json', () => {
  it('writes the query_range response shape with Prometheus float formatting', () => {
    const text = run('json', 'load').text;
    expect(text).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[' +
        '{"metric":{"__name__":"load","instance":"a"},"values":[[1704067200,"1.5"],[1704067202,"-Inf"]]},' +
        '{"metric":{"__name__":"load","instance":"b,\\"x\\""},"values":[[1704067201,"1000000"],[1704067202.500,"NaN"]]}]}}',
    );
    expect(JSON.parse(text).data.result).toHaveLength(2);
  });

  it('evaluates a query over the range at each step', () => {
    const chunks: string[] = [];
    exportSelection(ts.store, { format: 'json', selection: { query: 'up * 2', stepMs: 1000 }, startMs: T0 + 1000, endMs: T0 + 2000 }, (c) =>
      chunks.push(c),
    );
    expect(chunks.join('')).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":"j"},"values":[[1704067201,"+Inf"],[1704067202,"+Inf"]]}]}}',
    );
  });
});

describe('openmetrics', () => {
  it('groups a family, writes metadata, seconds and OpenMetrics floats, skips staleness markers', () => {
    expect(run('openmetrics', '{__name__=~"load|up"}').text).toBe(
      [
        '# HELP load Load \\"avg\\"\\nper min',
        '# TYPE load gauge',
        'load{instance="a"} 1.5 1704067200',
        'load{instance="a"} -Inf 1704067202',
        'load{instance="b,\\"x\\""} 1e+06 1704067201',
        'load{instance="b,\\"x\\""} NaN 1704067202.5',
        '# TYPE up unknown',
        'up{job="j"} +Inf 1704067200.5',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('writes counters as OpenMetrics counter families only when the samples end in _total', () => {
    ts.store.append([{ labels: { __name__: 'req_bytes_total' }, timestamps: [T0], values: [3] }]);
    ts.store.setMetadata('req_bytes_total', { type: 'counter', help: 'Bytes.', unit: 'bytes' });
    expect(run('openmetrics', 'req_bytes_total').text).toBe(
      '# HELP req_bytes Bytes.\n# TYPE req_bytes counter\n# UNIT req_bytes bytes\nreq_bytes_total 3 1704067200\n# EOF\n',
    );
  });
});

describe('errors', () => {
  it('refuses a selector that is not a plain selector, and unknown formats', () => {
    expect(() => run('csv-long', 'rate(load[5m])')).toThrow(/not a plain series selector/);
    expect(() => run('xml' as ExportFormat, 'load')).toThrow(/unknown export format "xml"/);
    expect(() => run('csv-long', 'load', { endMs: T0 - 1 })).toThrow(/before start/);
  });
});
