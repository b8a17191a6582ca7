// Prometheus remote write, both ways (see README.md): the WriteRequest codec, and a
// durable, sharded, retrying sender fed from a SQLite queue.
export { RemoteWriteFormatError, type RemoteWriteErrorCode } from './errors.ts';
export {
  decodeWriteRequest,
  encodeLabels,
  encodeWriteRequest,
  METRIC_TYPES,
  type DecodedWriteRequest,
  type EncodableSeries,
  type MetricMetadata,
  type MetricType,
  type TimeSeries,
  type WriteRequest,
} from './write-request.ts';
export { checkSnappyBlock, snappyCompress, snappyUncompress } from './snappy-block.ts';
export { decodeRemoteWriteBody, decodeRemoteWriteBodySteps, encodeRemoteWriteBody, REMOTE_WRITE_HEADERS } from './request-body.ts';
export { DiskQueue, type QueueOptions, type QueueSeries } from './disk-queue.ts';
export { QUEUE_PARTITIONS } from './queue-file.ts';
export type { QueueBatch } from './queue-batch.ts';
export { EndpointClient, RESERVED_HEADERS, redactUrl, type EndpointAuth, type EndpointTls, type SendOutcome } from './endpoint-client.ts';
export {
  ENDPOINT_DEFAULTS,
  EndpointSender,
  resolveEndpoint,
  type EndpointStatus,
  type RemoteWriteEndpoint,
  type ResolvedEndpoint,
} from './endpoint-sender.ts';
export { RemoteWriter, type RemoteWriterOptions, type RemoteWriteStatus } from './remote-writer.ts';
