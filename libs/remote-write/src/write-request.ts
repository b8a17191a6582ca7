// prometheus.WriteRequest (remote write 1.0), encoded and decoded by hand:
//
//   WriteRequest   timeseries = 1 (TimeSeries, repeated)   metadata = 3 (MetricMetadata, repeated)
//   TimeSeries     labels = 1 (Label, repeated)  samples = 2 (Sample, repeated)
//                  [exemplars = 3, histograms = 4: skipped and counted]
//   Label          name = 1 (string)  value = 2 (string)
//   Sample         value = 1 (double, fixed64)  timestamp = 2 (int64 ms, varint)
//   MetricMetadata type = 1 (enum)  metric_family_name = 2  help = 4  unit = 5 (strings)
//
// Values live in Float64Arrays and are moved as bytes, never through a JS number, so a
// staleness marker (NaN 0x7ff0000000000002) arrives with its bits. Unknown fields are
// skipped (newer senders); anything malformed is a RemoteWriteFormatError with a reason.

import type { Labels } from '@metrics-hub/wire';
import { RemoteWriteFormatError } from './errors.ts';
import { expectWire, ProtoReader } from './protobuf-reader.ts';
import { delimitedSize, int64Size, ProtoWriter, varintSize, WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT } from './protobuf-writer.ts';

export interface TimeSeries {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
}

export const METRIC_TYPES = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export interface MetricMetadata {
  type: MetricType;
  metricFamilyName: string;
  help: string;
  unit: string;
}

export interface WriteRequest {
  timeseries: TimeSeries[];
  metadata?: MetricMetadata[];
}

export interface DecodedWriteRequest {
  timeseries: TimeSeries[];
  metadata: MetricMetadata[];
  /** Parts this decoder reads past: exemplars and native histograms (per series, counted). */
  skipped: { exemplars: number; histograms: number };
}

/**
 * One series to encode: its labels (or their bytes from `encodeLabels`, cached by the
 * caller), and the samples [from, to) of its arrays (all of them by default).
 */
export interface EncodableSeries {
  labels?: Labels;
  labelBytes?: Uint8Array;
  timestamps: Float64Array;
  values: Float64Array;
  from?: number;
  to?: number;
}

const utf8 = new TextEncoder();

/**
 * The `labels` fields of a TimeSeries as bytes: sorted by name (the protocol asks for it),
 * labels with empty values left out (Prometheus treats them as absent).
 */
export function encodeLabels(labels: Labels): Uint8Array {
  const names = Object.keys(labels).sort();
  const parts: [Uint8Array, Uint8Array][] = [];
  let size = 0;
  for (const name of names) {
    const value = labels[name];
    if (value === '') continue;
    const n = utf8.encode(name);
    const v = utf8.encode(value);
    parts.push([n, v]);
    size += delimitedSize(delimitedSize(n.length) + delimitedSize(v.length));
  }
  const w = new ProtoWriter(size);
  for (const [n, v] of parts) {
    w.tag(1, WIRE_BYTES);
    w.varint(delimitedSize(n.length) + delimitedSize(v.length));
    w.delimited(1, n);
    w.delimited(2, v);
  }
  return w.finish();
}

function sampleSize(t: number): number {
  // value: tag + 8 bytes; timestamp: tag + varint.
  return 9 + 1 + int64Size(t);
}

/** The TimeSeries message's size (without its own tag and length). */
function seriesSize(s: EncodableSeries, labelBytes: Uint8Array): number {
  let size = labelBytes.length;
  const to = s.to ?? s.timestamps.length;
  for (let i = s.from ?? 0; i < to; i++) size += delimitedSize(sampleSize(s.timestamps[i]));
  return size;
}

function metadataParts(m: MetricMetadata): { name: Uint8Array; help: Uint8Array; unit: Uint8Array; type: number; size: number } {
  const name = utf8.encode(m.metricFamilyName);
  const help = utf8.encode(m.help);
  const unit = utf8.encode(m.unit);
  const type = Math.max(0, METRIC_TYPES.indexOf(m.type));
  const size =
    (type ? 1 + varintSize(type) : 0) +
    delimitedSize(name.length) +
    (help.length ? delimitedSize(help.length) : 0) +
    (unit.length ? delimitedSize(unit.length) : 0);
  return { name, help, unit, type, size };
}

/** A WriteRequest as protobuf bytes (uncompressed). */
export function encodeWriteRequest(req: { timeseries: readonly EncodableSeries[]; metadata?: readonly MetricMetadata[] }): Uint8Array {
  const labelBytes = req.timeseries.map((s) => s.labelBytes ?? encodeLabels(s.labels ?? {}));
  const sizes = req.timeseries.map((s, i) => seriesSize(s, labelBytes[i]));
  const metas = (req.metadata ?? []).map(metadataParts);
  let total = 0;
  for (const n of sizes) total += delimitedSize(n);
  for (const m of metas) total += delimitedSize(m.size);
  const w = new ProtoWriter(total);
  req.timeseries.forEach((s, k) => {
    w.tag(1, WIRE_BYTES);
    w.varint(sizes[k]);
    w.raw(labelBytes[k]);
    const bytes = new Uint8Array(s.values.buffer, s.values.byteOffset, s.values.byteLength);
    const to = s.to ?? s.timestamps.length;
    for (let i = s.from ?? 0; i < to; i++) {
      const t = s.timestamps[i];
      w.tag(2, WIRE_BYTES);
      w.varint(sampleSize(t));
      w.tag(1, WIRE_FIXED64);
      w.fixed64Bytes(bytes, i * 8);
      w.tag(2, WIRE_VARINT);
      w.int64(t);
    }
  });
  for (const m of metas) {
    w.tag(3, WIRE_BYTES);
    w.varint(m.size);
    if (m.type) {
      w.tag(1, WIRE_VARINT);
      w.varint(m.type);
    }
    w.delimited(2, m.name);
    if (m.help.length) w.delimited(4, m.help);
    if (m.unit.length) w.delimited(5, m.unit);
  }
  return w.finish();
}

// ------------------------------------------------------------------ decoding

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function readString(r: ProtoReader, what: string): string {
  const n = r.length(what);
  const start = r.pos;
  const b = r.buf;
  r.pos += n;
  let ascii = true;
  for (let i = start; i < start + n; i++) {
    if (b[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return Buffer.from(b.buffer, b.byteOffset + start, n).toString('latin1');
  try {
    return strictUtf8.decode(b.subarray(start, start + n));
  } catch {
    throw new RemoteWriteFormatError('bad_utf8', `${what}: the text at byte ${start} is not valid UTF-8`);
  }
}

function readLabel(r: ProtoReader, end: number, what: string): [string, string] {
  const outer = r.end;
  r.end = end;
  let name = '';
  let value = '';
  while (r.pos < end) {
    const at = r.pos;
    const [field, wire] = r.tag(what);
    if (field === 1) {
      expectWire(wire, WIRE_BYTES, `${what}.name`, at);
      name = readString(r, `${what}.name`);
    } else if (field === 2) {
      expectWire(wire, WIRE_BYTES, `${what}.value`, at);
      value = readString(r, `${what}.value`);
    } else r.skip(wire, what);
  }
  r.end = outer;
  return [name, value];
}

function setLabel(labels: Record<string, string>, name: string, value: string): void {
  // `__proto__` is a valid label name; a plain assignment would set the prototype instead.
  if (name === '__proto__') Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
  else labels[name] = value;
}

/** First pass over a TimeSeries: how many samples it has, so that their arrays are allocated once. */
function countSamples(r: ProtoReader, end: number, what: string): number {
  let count = 0;
  while (r.pos < end) {
    const at = r.pos;
    const [field, wire] = r.tag(what);
    if (field === 2) {
      expectWire(wire, WIRE_BYTES, `${what}.samples[${count}]`, at);
      count++;
    }
    r.skip(wire, what);
  }
  return count;
}

/** One Sample: its value's bytes into `valueBytes` at sample `k`; returns its timestamp. */
function readSample(r: ProtoReader, seriesEnd: number, valueBytes: Uint8Array, k: number, here: string): number {
  const n = r.length(here);
  const sampleEnd = r.pos + n;
  r.end = sampleEnd;
  let t = 0;
  while (r.pos < sampleEnd) {
    const fat = r.pos;
    const [f, w] = r.tag(here);
    if (f === 1) {
      expectWire(w, WIRE_FIXED64, `${here}.value`, fat);
      r.fixed64Into(valueBytes, k * 8, `${here}.value`);
    } else if (f === 2) {
      expectWire(w, WIRE_VARINT, `${here}.timestamp`, fat);
      t = r.int64(`${here}.timestamp`);
    } else r.skip(w, here);
  }
  r.end = seriesEnd;
  return t;
}

function readTimeSeries(r: ProtoReader, end: number, index: number, skipped: DecodedWriteRequest['skipped']): TimeSeries {
  const what = `timeseries[${index}]`;
  const outer = r.end;
  const start = r.pos;
  r.end = end;
  const count = countSamples(r, end, what);
  r.pos = start;
  const labels: Record<string, string> = {};
  const seen = new Set<string>();
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  const valueBytes = new Uint8Array(values.buffer);
  let k = 0;
  while (r.pos < end) {
    const at = r.pos;
    const [field, wire] = r.tag(what);
    if (field === 1) {
      const here = `${what}.labels[${seen.size}]`;
      expectWire(wire, WIRE_BYTES, here, at);
      const n = r.length(here);
      const [name, value] = readLabel(r, r.pos + n, here);
      if (name === '')
        throw new RemoteWriteFormatError('bad_labels', `${here} has an empty name (value ${JSON.stringify(value.slice(0, 60))})`);
      if (seen.has(name)) throw new RemoteWriteFormatError('bad_labels', `${what} has the label ${JSON.stringify(name)} twice`);
      seen.add(name);
      if (value !== '') setLabel(labels, name, value);
    } else if (field === 2) {
      timestamps[k] = readSample(r, end, valueBytes, k, `${what}.samples[${k}]`);
      k++;
    } else {
      if (field === 3) skipped.exemplars++;
      else if (field === 4) skipped.histograms++;
      r.skip(wire, what);
    }
  }
  if (seen.size === 0) throw new RemoteWriteFormatError('bad_labels', `${what} has no labels`);
  r.end = outer;
  return { labels, timestamps, values };
}

function readMetadata(r: ProtoReader, end: number, index: number): MetricMetadata {
  const what = `metadata[${index}]`;
  const outer = r.end;
  r.end = end;
  const m: MetricMetadata = { type: 'unknown', metricFamilyName: '', help: '', unit: '' };
  while (r.pos < end) {
    const at = r.pos;
    const [field, wire] = r.tag(what);
    if (field === 1) {
      expectWire(wire, WIRE_VARINT, `${what}.type`, at);
      m.type = METRIC_TYPES[r.varint(`${what}.type`)] ?? 'unknown';
    } else if (field === 2 || field === 4 || field === 5) {
      const key = field === 2 ? 'metricFamilyName' : field === 4 ? 'help' : 'unit';
      expectWire(wire, WIRE_BYTES, `${what}.${key}`, at);
      m[key] = readString(r, `${what}.${key}`);
    } else r.skip(wire, what);
  }
  if (!m.metricFamilyName) throw new RemoteWriteFormatError('bad_labels', `${what} has no metric_family_name`);
  r.end = outer;
  return m;
}

/** Decodes protobuf bytes (already decompressed); throws RemoteWriteFormatError only. */
export function decodeWriteRequest(bytes: Uint8Array): DecodedWriteRequest {
  return runSteps(decodeWriteRequestSteps(bytes, Number.POSITIVE_INFINITY));
}

/**
 * `decodeWriteRequest` one slice at a time: the generator pauses after every
 * `seriesPerStep` series, so that a caller can let other work run between slices of a
 * request of hundreds of thousands of series; its return value is the decoded request.
 */
export function* decodeWriteRequestSteps(bytes: Uint8Array, seriesPerStep: number): Generator<void, DecodedWriteRequest> {
  const r = new ProtoReader(bytes, 0, bytes.length);
  const out: DecodedWriteRequest = { timeseries: [], metadata: [], skipped: { exemplars: 0, histograms: 0 } };
  let sinceStep = 0;
  while (r.pos < r.end) {
    try {
      const at = r.pos;
      const [field, wire] = r.tag('WriteRequest');
      if (field === 1) {
        const what = `timeseries[${out.timeseries.length}]`;
        expectWire(wire, WIRE_BYTES, what, at);
        const n = r.length(what);
        const end = r.pos + n;
        out.timeseries.push(readTimeSeries(r, end, out.timeseries.length, out.skipped));
        r.pos = end;
      } else if (field === 3) {
        const what = `metadata[${out.metadata.length}]`;
        expectWire(wire, WIRE_BYTES, what, at);
        const n = r.length(what);
        const end = r.pos + n;
        out.metadata.push(readMetadata(r, end, out.metadata.length));
        r.pos = end;
      } else r.skip(wire, 'WriteRequest');
    } catch (e) {
      if (e instanceof RemoteWriteFormatError) throw e;
      // Not expected; still a reason, never a raw RangeError for the caller to leak.
      throw new RemoteWriteFormatError('truncated', `cannot decode the WriteRequest at byte ${r.pos}: ${(e as Error).message}`);
    }
    if (++sinceStep >= seriesPerStep) {
      sinceStep = 0;
      yield;
    }
  }
  return out;
}

/** Runs a stepwise decoder to its end, without pausing. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** A series with its labels left encoded: the bytes of its `labels` fields, as `encodeLabels` makes them. */
export interface RawSeries {
  labelBytes: Uint8Array;
  timestamps: Float64Array;
  values: Float64Array;
}

/**
 * Decodes the timeseries of a WriteRequest without turning labels into strings: for data
 * already checked once (the queue's own segments), whose label bytes go into the next
 * request as they are and serve as the series' identity.
 */
export function decodeRawSeries(bytes: Uint8Array): RawSeries[] {
  const r = new ProtoReader(bytes, 0, bytes.length);
  const out: RawSeries[] = [];
  while (r.pos < r.end) {
    const at = r.pos;
    const [field, wire] = r.tag('WriteRequest');
    if (field !== 1) {
      r.skip(wire, 'WriteRequest');
      continue;
    }
    const what = `timeseries[${out.length}]`;
    expectWire(wire, WIRE_BYTES, what, at);
    const length = r.length(what);
    const start = r.pos;
    const end = start + length;
    r.end = end;
    const timestamps = new Float64Array(countSamples(r, end, what));
    const values = new Float64Array(timestamps.length);
    const valueBytes = new Uint8Array(values.buffer);
    r.pos = start;
    const labelParts: Uint8Array[] = [];
    let k = 0;
    while (r.pos < end) {
      const fieldAt = r.pos;
      const [f, w] = r.tag(what);
      if (f === 1) {
        expectWire(w, WIRE_BYTES, `${what}.labels`, fieldAt);
        const n = r.length(what);
        r.pos += n;
        const last = labelParts[labelParts.length - 1];
        // Contiguous label fields (always, as encodeLabels writes them) stay one view.
        if (last && last.byteOffset + last.length === bytes.byteOffset + fieldAt)
          labelParts[labelParts.length - 1] = bytes.subarray(last.byteOffset - bytes.byteOffset, r.pos);
        else labelParts.push(bytes.subarray(fieldAt, r.pos));
      } else if (f === 2) {
        timestamps[k] = readSample(r, end, valueBytes, k, `${what}.samples[${k}]`);
        k++;
      } else r.skip(w, what);
    }
    r.end = bytes.length;
    const labelBytes = labelParts.length === 1 ? labelParts[0] : Uint8Array.from(labelParts.flatMap((p) => [...p]));
    out.push({ labelBytes, timestamps, values });
  }
  return out;
}
