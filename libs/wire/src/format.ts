// Constants of the chunk format (FORMAT.md describes the layout).

export const FORMAT_VERSION = 1;

/** Chunk kinds (byte 1). The single-series kinds name their value encoding. */
export const KIND_XOR = 1;
export const KIND_DECIMAL = 2;
export const KIND_COLUMNS = 3;

/** Column tags inside a multi-column chunk. */
export const TAG_XOR = 1;
export const TAG_DECIMAL = 2;
export const TAG_DECIMAL_RELATIVE = 3;

/** Upper bounds that keep a hostile header from causing huge allocations. */
export const MAX_SAMPLES = 1 << 20;
export const MAX_COLUMNS = 64;
/** Bound on count * (columns + 1), the numbers a decoder allocates for one chunk. */
export const MAX_VALUES = 1 << 22;

export const CHECKSUM_BYTES = 4;
/** Version, kind, a one-byte count and the checksum. */
export const MIN_CHUNK_BYTES = 7;
