// Reads an import's input in pieces (text as given, files and streams as bytes: the readers
// decode what they cannot read as bytes).

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { ImportInput } from './types.ts';

const TEXT_SLICE = 64 * 1024;

export interface OpenedInput {
  totalBytes: number | undefined;
  chunks: AsyncGenerator<string | Uint8Array>;
}

export async function openInput(input: ImportInput): Promise<OpenedInput> {
  if ('text' in input) {
    const totalBytes = Buffer.byteLength(input.text);
    return { totalBytes, chunks: textChunks(input.text) };
  }
  if ('path' in input) {
    const totalBytes = (await stat(input.path)).size;
    return { totalBytes, chunks: byteChunks(createReadStream(input.path)) };
  }
  return { totalBytes: input.totalBytes, chunks: byteChunks(input.stream) };
}

async function* textChunks(text: string): AsyncGenerator<string> {
  let at = 0;
  while (at < text.length) {
    // Do not cut a surrogate pair in two.
    let end = Math.min(text.length, at + TEXT_SLICE);
    if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1])) end++;
    const piece = text.slice(at, end);
    at = end;
    yield piece;
  }
}

async function* byteChunks(stream: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<string | Uint8Array> {
  yield* stream;
}

/** The last bytes of a file, to see whether it ends with OpenMetrics' `# EOF`. */
export async function fileTail(path: string, bytes = 64): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const length = Math.min(bytes, size);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    await handle.close();
  }
}
