// Reads our lossless `mhb-json` export (see export/lossless.ts) line by line into staged
// samples. Values given as 16 hex digits are written into the staging arrays bit for
// bit, so staleness markers and NaN payloads survive.

import { isMetricType, type MetricMetadata } from '@metrics-hub/tsdb';
import { labelsProblem, type Labels } from '@metrics-hub/wire';
import { writeHexFloat } from '../float-bits.ts';
import { LOSSLESS_FORMAT, LOSSLESS_VERSION } from '../export/lossless.ts';
import { familyBytes } from './exposition-reader.ts';
import type { Problems } from './problems.ts';
import type { Staging } from './staging.ts';

export class LosslessReader {
  readonly families = new Set<string>();
  readonly skippedFamilies: string[] = [];
  readonly metadata = new Map<string, MetricMetadata>();
  readonly missingTimestamps = 0;
  samples = 0;
  /** Estimated bytes of the family names kept for the whole import. */
  bytes = 0;
  private lineNo = 0;
  private pending = '';
  private sawHeader = false;

  constructor(
    private readonly staging: Staging,
    private readonly problems: Problems,
  ) {}

  private readonly decoder = new TextDecoder('utf-8');

  push(chunk: string | Uint8Array): void {
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    let at = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', at)) >= 0) {
      this.line(text.slice(at, nl));
      at = nl + 1;
    }
    this.pending = text.slice(at);
  }

  end(): void {
    if (this.pending) this.line(this.pending);
    this.pending = '';
    if (!this.sawHeader)
      this.problems.add(
        undefined,
        `not an ${LOSSLESS_FORMAT} file: the first line must be {"format":"${LOSSLESS_FORMAT}","version":${LOSSLESS_VERSION}}`,
      );
  }

  private line(raw: string): void {
    const n = ++this.lineNo;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      this.problems.add(n, `not JSON: ${(e as Error).message}`);
      return;
    }
    if (n === 1 || !this.sawHeader) {
      if (obj?.format !== LOSSLESS_FORMAT || obj.version !== LOSSLESS_VERSION) {
        this.problems.add(n, `expected the header {"format":"${LOSSLESS_FORMAT}","version":${LOSSLESS_VERSION}}`);
      }
      this.sawHeader = true;
      return;
    }
    if (typeof obj.metadata === 'string') {
      const type = obj.type;
      if (!isMetricType(type) || typeof obj.help !== 'string' || typeof obj.unit !== 'string') {
        this.problems.add(n, 'metadata needs a known type and string help and unit');
        return;
      }
      this.metadata.set(obj.metadata, { type, help: obj.help, unit: obj.unit });
      return;
    }
    this.series(n, obj);
  }

  private series(n: number, obj: Record<string, unknown>): void {
    const labels = obj.labels as Labels;
    const ts = obj.timestamps;
    const vs = obj.values;
    if (typeof labels !== 'object' || labels === null || !Array.isArray(ts) || !Array.isArray(vs)) {
      this.problems.add(n, 'expected {"labels":{..},"timestamps":[..],"values":[..]}');
      return;
    }
    if (ts.length !== vs.length) {
      this.problems.add(n, `${ts.length} timestamps but ${vs.length} values`);
      return;
    }
    const problem = Object.values(labels).every((v) => typeof v === 'string') ? labelsProblem(labels) : 'label values must be strings';
    if (problem) {
      this.problems.add(n, problem);
      return;
    }
    const timestamps = new Float64Array(ts.length);
    const values = new Float64Array(vs.length);
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      if (typeof t !== 'number' || !Number.isSafeInteger(t)) {
        this.problems.add(n, `timestamp #${i + 1} is not an integer number of milliseconds`);
        return;
      }
      timestamps[i] = t;
      const v = vs[i];
      if (typeof v === 'number') values[i] = v;
      else if (typeof v !== 'string' || !writeHexFloat(v, values, i)) {
        this.problems.add(n, `value #${i + 1} must be a number or 16 hex digits of its IEEE-754 bits`);
        return;
      }
    }
    if (!this.families.has(labels.__name__)) {
      this.families.add(labels.__name__);
      this.bytes += familyBytes(labels.__name__);
    }
    this.staging.addBlock(labels, timestamps, values);
    this.samples += ts.length;
  }
}
