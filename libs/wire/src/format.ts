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
/** Chunk kind of a timeline: a timestamp column alone, which chunks on it refer to. */
export const KIND_TIMELINE = 0x81;
/**
 * Set on a single-series kind (1 to 3): the chunk has no timestamp column of its own but
 * names a timeline (reference and the timeline's checksum) whose timestamps it takes.
 */
export const ON_TIMELINE = 0x40;

/** Upper bounds that keep a hostile header from causing huge allocations. */
export const MAX_SAMPLES = 1 << 20;
export const MAX_COLUMNS = 64;
/** Bound on count * (columns + 1), the numbers a decoder allocates for one chunk. */
export const MAX_VALUES = 1 << 22;

export const CHECKSUM_BYTES = 4;
/** Version, kind, a one-byte count and the checksum. */
export const MIN_CHUNK_BYTES = 7;
