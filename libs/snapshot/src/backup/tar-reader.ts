// Reads the ustar archives tar-writer.ts makes, one member at a time, with the member's
// data handed over in chunks (a snapshot's database can be larger than memory). It refuses
// what a snapshot never holds — links, devices, bad checksums — instead of skipping it, so
// a tampered archive fails loudly. Whether a *name* is safe to extract is safe-path.ts's call.

import { BLOCK } from './tar-writer.ts';

export interface TarEntry {
  name: string;
  size: number;
  type: 'file' | 'directory';
  mode: number;
  mtimeMs: number;
}

/** Receives one member's data; `end` is called once all of it has arrived. */
export interface EntrySink {
  data(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

export class TarFormatError extends Error {
  constructor(
    message: string,
    readonly member?: string,
  ) {
    super(message);
    this.name = 'TarFormatError';
  }
}

/**
 * Parses `source` and calls `onEntry` for each member. `onEntry` returns a sink for the
 * data, undefined to skip it, or 'stop' to end reading there (listing only needs the first).
 */
export async function readTar(
  source: AsyncIterable<Buffer>,
  onEntry: (entry: TarEntry) => EntrySink | undefined | 'stop' | Promise<EntrySink | undefined | 'stop'>,
): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let entry: TarEntry | undefined;
  let sink: EntrySink | undefined;
  let remaining = 0; // data bytes of the current member still to come
  let skip = 0; // padding bytes still to come
  let zeroBlocks = 0;
  let ended = false;

  for await (const chunk of source) {
    pending = pending.byteLength ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    while (!ended) {
      if (remaining > 0) {
        const n = Math.min(remaining, pending.byteLength - at);
        if (n === 0) break;
        if (sink) await sink.data(pending.subarray(at, at + n));
        at += n;
        remaining -= n;
        if (remaining === 0) {
          if (sink) await sink.end();
          sink = undefined;
          skip = padTo(entry!.size);
        }
        continue;
      }
      if (skip > 0) {
        const n = Math.min(skip, pending.byteLength - at);
        if (n === 0) break;
        at += n;
        skip -= n;
        continue;
      }
      if (pending.byteLength - at < BLOCK) break;
      const block = pending.subarray(at, at + BLOCK);
      at += BLOCK;
      if (block.every((b) => b === 0)) {
        if (++zeroBlocks === 2) ended = true;
        continue;
      }
      zeroBlocks = 0;
      entry = parseHeader(block, entry?.name);
      const got = await onEntry(entry);
      if (got === 'stop') return;
      sink = got;
      remaining = entry.type === 'file' ? entry.size : 0;
      if (remaining === 0 && entry.type === 'file') {
        if (sink) await sink.end();
        sink = undefined;
      }
    }
    pending = pending.subarray(at);
    if (ended) return;
  }
  if (remaining > 0 || skip > 0)
    throw new TarFormatError(`the archive ends inside member ${entry?.name} (${remaining} bytes missing)`, entry?.name);
  if (!ended) throw new TarFormatError('the archive ends without its end marker: it was cut short', entry?.name);
}

function padTo(size: number): number {
  const rest = size % BLOCK;
  return rest ? BLOCK - rest : 0;
}

function parseHeader(block: Buffer, previous: string | undefined): TarEntry {
  const after = previous ? ` (after member ${previous})` : '';
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  const stored = parseInt(cString(block, 148, 8).trim() || 'x', 8);
  if (stored !== sum) throw new TarFormatError(`a member header's checksum is wrong${after}: the archive is damaged`, previous);
  if (block.toString('latin1', 257, 262) !== 'ustar')
    throw new TarFormatError(`a member header is not ustar${after}: this is not a hub snapshot`, previous);
  const prefix = cString(block, 345, 155);
  const base = cString(block, 0, 100);
  const name = prefix ? `${prefix}/${base}` : base;
  const flag = String.fromCharCode(block[156]);
  let type: TarEntry['type'];
  if (flag === '0' || flag === '\u0000') type = 'file';
  else if (flag === '5') type = 'directory';
  else
    throw new TarFormatError(
      `member ${name} has tar type '${flag}' (links, devices and extended headers are not part of a snapshot)`,
      name,
    );
  return {
    name,
    size: parseSize(block),
    type,
    mode: parseInt(cString(block, 100, 8).trim() || '0', 8),
    mtimeMs: parseInt(cString(block, 136, 12).trim() || '0', 8) * 1000,
  };
}

function parseSize(block: Buffer): number {
  if (block[124] & 0x80) {
    let v = 0;
    for (let i = 125; i < 136; i++) v = v * 256 + block[i];
    return v;
  }
  return parseInt(cString(block, 124, 12).trim() || '0', 8);
}

function cString(block: Buffer, offset: number, length: number): string {
  const end = block.indexOf(0, offset);
  return block.toString('utf8', offset, end < 0 || end > offset + length ? offset + length : end);
}
