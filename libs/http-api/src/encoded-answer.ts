// Whole answers as bytes, for a thread that has no response to write to (a query worker):
// the success or error envelope encoded, gzipped when the client takes it and it is worth
// it, so that the thread holding the socket only writes bytes.

import type { ServerResponse } from 'node:http';
import { createGzip, gzipSync } from 'node:zlib';
import { toApiError } from './api-error.ts';
import type { AnswerEncoding, EncodedAnswer, EndpointData } from './endpoint.ts';
import { errorJson, successJson, successPieces } from './format.ts';
import type { AnswerPieces } from './query-job.ts';
import { GZIP_LEVEL } from './responses.ts';

/**
 * Text handed to gzip at a time: big enough that a piece is one task for zlib, small enough
 * that a large answer is compressed (on libuv's threads) while the rest is still written.
 */
const GZIP_PIECE_CHARS = 1 << 17;

function encode(status: number, json: string, encoding: AnswerEncoding): EncodedAnswer {
  const body = new TextEncoder().encode(json);
  const gzip = encoding.gzip && body.byteLength >= encoding.gzipMinBytes;
  return { status, body: ownBuffer(gzip ? gzipSync(body, { level: GZIP_LEVEL }) : body), gzip };
}

/**
 * The bytes in an ArrayBuffer of their own, so that they can be transferred between threads
 * (a Buffer's memory may be part of Node's pool, which cannot be).
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return !Buffer.isBuffer(bytes) && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes);
}

export function encodeSuccess(data: EndpointData, encoding: AnswerEncoding): EncodedAnswer {
  return encode(200, successJson(data.dataJson, data.warnings, data.infos), encoding);
}

/**
 * encodeSuccess for an answer in pieces: a large one is gzipped as it is written, zlib
 * compressing each 128 K characters on libuv's thread pool while this thread writes the next (the
 * two halves of the work on two cores); the bytes are those of one gzip stream over the
 * whole text. Small answers, clients without gzip and `overlap: false` (no idle core to
 * gzip on) get what encodeSuccess gives.
 */
export async function encodeSuccessPieces(
  answer: AnswerPieces,
  encoding: AnswerEncoding,
  { overlap = true }: { overlap?: boolean } = {},
): Promise<EncodedAnswer> {
  const encoder = new TextEncoder();
  let text = '';
  let gzip: ReturnType<typeof startGzip> | undefined;
  try {
    for (const piece of successPieces(answer.data, answer.warnings, answer.infos)) {
      text += piece;
      if (!overlap || !encoding.gzip || text.length < GZIP_PIECE_CHARS) continue;
      gzip ??= startGzip();
      gzip.stream.write(encoder.encode(text));
      text = '';
      // Lets zlib's callbacks run, so that the next piece starts as soon as this one is done.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!gzip) return encode(200, text, encoding);
    gzip.stream.end(encoder.encode(text));
    return { status: 200, body: await gzip.done, gzip: true };
  } catch (e) {
    gzip?.stream.destroy();
    throw e;
  }
}

function startGzip() {
  // An output buffer as large as a piece's input: zlib then answers each write in one task.
  const stream = createGzip({ level: GZIP_LEVEL, chunkSize: 4 * GZIP_PIECE_CHARS });
  const chunks: Buffer[] = [];
  stream.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    stream.once('error', reject);
    stream.once('end', () => {
      const body = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.byteLength;
      }
      resolve(body);
    });
  });
  return { stream, done };
}

/** An error as the API reports it; `internal` says it was unexpected (to be logged, as a 500 is). */
export function encodeError(e: unknown, encoding: AnswerEncoding): { answer: EncodedAnswer; internal: boolean } {
  const error = toApiError(e);
  return { answer: encode(error.status, errorJson(error.type, error.message), encoding), internal: error.type === 'internal' };
}

/** Writes an encoded answer; a response that cannot be written ends the socket. */
export function sendEncoded(res: ServerResponse, answer: EncodedAnswer): void {
  try {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Vary: 'Accept-Encoding',
      'Content-Length': String(answer.body.byteLength),
    };
    if (answer.gzip) headers['Content-Encoding'] = 'gzip';
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  } catch {
    res.destroy();
  }
}
