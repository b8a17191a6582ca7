// Why a remote-write body was refused: a code to branch on, a message that says what is
// wrong and where (byte offset, series number), never a raw exception from deep inside.

export type RemoteWriteErrorCode =
  /** The body is not a snappy block, or its block is damaged. */
  | 'bad_snappy'
  /** The decompressed (or announced) size is over the limit. */
  | 'too_large'
  /** A varint, length or fixed-size field runs past the end of its message. */
  | 'truncated'
  /** A varint longer than 10 bytes, or a value out of range (timestamps beyond ±2^53 ms). */
  | 'bad_varint'
  /** A known field with a wire type other than the schema's, or an unusable wire type. */
  | 'wire_type'
  /** A label with an empty or repeated name, a series without labels, a metadata entry without a name. */
  | 'bad_labels'
  /** Text that is not valid UTF-8. */
  | 'bad_utf8';

export class RemoteWriteFormatError extends Error {
  constructor(
    readonly code: RemoteWriteErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteWriteFormatError';
  }
}
