// Reading an incident file without touching any store: the header checked, the samples
// parsed by the same reader as an mhb-json import (so both agree on what is valid), held
// in typed arrays behind a read-only Queryable.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { LosslessReader } from '../import/lossless-reader.ts';
import { Problems } from '../import/problems.ts';
import { Staging } from '../import/staging.ts';
import { IncidentError, parseHeader, type IncidentHeader } from './format.ts';
import { IncidentQueryable } from './queryable.ts';

export type IncidentInput = { text: string } | { path: string } | { bytes: Uint8Array };

export interface OpenedIncident {
  header: IncidentHeader;
  queryable: IncidentQueryable;
  series: number;
  samples: number;
  /** The mhb-json part (everything after the header line), for importing. */
  body: string;
}

/** Reads and checks a whole incident file; throws IncidentError (with the line) on the first problem. */
export function openIncident(input: IncidentInput): OpenedIncident {
  const text = incidentText(input);
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  const header = parseHeader(first.endsWith('\r') ? first.slice(0, -1) : first);
  const body = nl < 0 ? '' : text.slice(nl + 1);
  const staging = Staging.create();
  const problems = new Problems(1);
  const reader = new LosslessReader(staging, problems);
  reader.push(body);
  reader.end();
  if (problems.count > 0) {
    const p = problems.list[0];
    // The reader counts from the line after the incident header.
    throw new IncidentError(
      'bad_file',
      `${p.reason}${problems.count > 1 ? ` (and ${problems.count - 1} more problems)` : ''}`,
      p.line === undefined ? undefined : p.line + 1,
    );
  }
  const staged = [...staging.batches(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)].flat();
  staging.discard();
  const queryable = new IncidentQueryable(
    staged.map((s) => ({ labels: s.labels!, timestamps: s.timestamps as Float64Array, values: s.values as Float64Array })),
  );
  return { header, queryable, series: queryable.series.length, samples: queryable.samples, body };
}

/**
 * Most an incident file may decompress to (its text is held whole): 256 MiB. A gzip bomb
 * (a few hundred KiB of zeros that inflate to gigabytes) stops here instead of taking the
 * hub's memory.
 */
export const MAX_INCIDENT_TEXT_BYTES = 256 * 1024 * 1024;

/** The file's text; gzip is recognised by its magic bytes, not the name. */
export function incidentText(input: IncidentInput, maxBytes = MAX_INCIDENT_TEXT_BYTES): string {
  if ('text' in input) return input.text;
  const bytes = 'path' in input ? readFileSync(input.path) : input.bytes;
  let raw = bytes;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      raw = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new IncidentError('too_large', `the file decompresses to more than ${maxBytes} bytes, more than an incident file may hold`);
      throw new IncidentError('bad_file', `not a readable gzip file: ${(e as Error).message}`);
    }
  }
  if (raw.length > maxBytes)
    throw new IncidentError('too_large', `the file holds more than ${maxBytes} bytes, more than an incident file may hold`);
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
}
