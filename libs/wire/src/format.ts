// Constants of the chunk format (FORMAT.md describes the layout).

export const FORMAT_VERSION = 1;

/** Value column encodings: the tag of each column of a multi-column chunk. */
export const TAG_XOR = 1;
export const TAG_DECIMAL = 2;
/** Decimal integers plus a residual in ulps for each value. */
export const TAG_NEAR_DECIMAL = 3;
/** Decimal integers stored as differences from an earlier column's. */
export const TAG_DECIMAL_RELATIVE = 4;

/** Chunk kind (byte 1): the tag of a single-series chunk's value column (1 to 3), or this. */
export const KIND_COLUMNS = 0x80;

/** Upper bounds that keep a hostile header from causing huge allocations. */
export const MAX_SAMPLES = 1 << 20;
export const MAX_COLUMNS = 64;
/** Bound on count * (columns + 1), the numbers a decoder allocates for one chunk. */
export const MAX_VALUES = 1 << 22;

export const CHECKSUM_BYTES = 4;
/** Version, kind, a one-byte count and the checksum. */
export const MIN_CHUNK_BYTES = 7;
