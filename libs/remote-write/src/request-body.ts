// The body of a remote-write POST: a snappy block (not framed) around a WriteRequest, sent
// with the headers below. What a sender writes and a receiver reads, in one place.

import { RemoteWriteFormatError } from './errors.ts';
import { snappyCompress, snappyUncompress } from './snappy-block.ts';
import {
  decodeWriteRequestSteps,
  encodeWriteRequest,
  runSteps,
  type DecodedWriteRequest,
  type EncodableSeries,
  type MetricMetadata,
} from './write-request.ts';

export const REMOTE_WRITE_HEADERS = {
  'content-encoding': 'snappy',
  'content-type': 'application/x-protobuf',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

export function encodeRemoteWriteBody(req: { timeseries: readonly EncodableSeries[]; metadata?: readonly MetricMetadata[] }): Uint8Array {
  return snappyCompress(encodeWriteRequest(req));
}

/**
 * A received body back to series and metadata. Throws RemoteWriteFormatError (code and
 * reason) for anything malformed, and for a body decompressing to more than `maxBytes`.
 */
export function decodeRemoteWriteBody(body: Uint8Array, maxBytes: number): DecodedWriteRequest {
  return runSteps(decodeRemoteWriteBodySteps(body, maxBytes, Number.POSITIVE_INFINITY));
}

/**
 * `decodeRemoteWriteBody` one slice of `seriesPerStep` series at a time (see
 * `decodeWriteRequestSteps`); the same errors, thrown from the step that meets them.
 */
export function* decodeRemoteWriteBodySteps(
  body: Uint8Array,
  maxBytes: number,
  seriesPerStep: number,
): Generator<void, DecodedWriteRequest> {
  let bytes: Uint8Array;
  try {
    bytes = snappyUncompress(body, maxBytes);
  } catch (e) {
    if (e instanceof RemoteWriteFormatError) throw e;
    throw new RemoteWriteFormatError('bad_snappy', `cannot decode the body: ${(e as Error).message}`);
  }
  return yield* decodeWriteRequestSteps(bytes, seriesPerStep);
}
