export type ChunkErrorCode = 'chunk_corrupt' | 'chunk_version' | 'chunk_truncated';

/**
 * Thrown for any chunk that cannot be decoded exactly as it was written. The codec never
 * returns partially decoded or guessed data: a caller either gets the original samples or
 * this error, whose `code` says what to do about it:
 *  - `chunk_truncated`: the bytes end before the chunk does (an interrupted write or a short read);
 *  - `chunk_corrupt`: the bytes were changed (checksum mismatch) or describe something impossible;
 *  - `chunk_version`: an intact chunk from a newer codec (upgrade to read it).
 */
export class ChunkFormatError extends Error {
  readonly code: ChunkErrorCode;

  constructor(code: ChunkErrorCode, message: string) {
    super(message);
    this.name = 'ChunkFormatError';
    this.code = code;
  }
}

export function corrupt(detail: string): ChunkFormatError {
  return new ChunkFormatError(
    'chunk_corrupt',
    `chunk is corrupt: ${detail}; the stored bytes were damaged, restore the chunk from a copy or drop it`,
  );
}

export function truncatedAt(length: number): ChunkFormatError {
  return new ChunkFormatError(
    'chunk_truncated',
    `chunk is truncated: its ${length} bytes end before the data it describes; it was cut short when written or read, restore it from a copy or drop it`,
  );
}
