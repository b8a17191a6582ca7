// Prometheus remote write, both ways (see README.md): the WriteRequest codec, and a
// durable, sharded, retrying sender fed from a SQLite queue.
export { RemoteWriteFormatError, type RemoteWriteErrorCode } from './errors.ts';
export { decodeWriteRequest, encodeLabels, encodeWriteRequest, METRIC_TYPES, type DecodedWriteRequest, type EncodableSeries, type MetricMetadata, type MetricType, type TimeSeries, type WriteRequest } from './write-request.ts';
export { checkSnappyBlock, snappyCompress, snappyUncompress } from './snappy-block.ts';
export { decodeRemoteWriteBody, encodeRemoteWriteBody, REMOTE_WRITE_HEADERS } from './request-body.ts';
