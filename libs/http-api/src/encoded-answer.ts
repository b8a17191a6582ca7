// Whole answers as bytes, for a thread that has no response to write to (a query worker):
// the success or error envelope encoded, gzipped when the client takes it and it is worth
// it, so that the thread holding the socket only writes bytes.

import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { toApiError } from './api-error.ts';
import type { AnswerEncoding, EncodedAnswer, EndpointData } from './endpoint.ts';
import { errorJson, successJson } from './format.ts';
import { GZIP_LEVEL } from './responses.ts';

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
