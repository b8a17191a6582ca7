// A size limit on incoming MQTT packets, in front of the broker. aedes buffers a packet
// until it is complete, whatever length its header announces; read from the fixed header
// as the bytes pass, an oversized packet ends the connection before it is buffered.
//
// Before it has logged in, a peer is anyone who can reach the port: its first packet must
// be a CONNECT of at most `maxConnectBytes` (64 KiB: a user name, a token, a client id and
// a small will fit with room to spare), so that a thousand unauthenticated connections
// each announcing a 16 MiB CONNECT hold 64 MiB at most, not 16 GiB. Later packets get the
// configured `broker.max_packet`.
//
// MQTT fixed header: one byte of type and flags, then the remaining length as a varint of
// one to four bytes (seven bits each, low first, high bit = more).

import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** The largest first packet (CONNECT) accepted from a peer that has not logged in yet. */
export const MAX_CONNECT_BYTES = 64 * 1024;
/** CONNECT's packet type, in the high four bits of the first byte. */
const CONNECT = 1;

export function guardFrames(
  socket: Socket,
  maxPacketBytes: number,
  onRefused: (why: { announcedBytes: number; limit: number; beforeConnect: boolean } | { notConnect: number }) => void,
  maxConnectBytes = MAX_CONNECT_BYTES,
): Duplex {
  return new FrameGuard(socket, maxPacketBytes, maxConnectBytes, onRefused);
}

class FrameGuard extends Duplex {
  /** Bytes of the current packet's body still to pass. */
  private skip = 0;
  /** Reading a fixed header: -1 = before its first byte, else varint bytes seen so far. */
  private headerAt = -1;
  private length = 0;
  private multiplier = 1;
  /** Whether the first packet's header has been read (it must be CONNECT, and small). */
  private sawFirst = false;

  constructor(
    private readonly socket: Socket,
    private readonly max: number,
    private readonly maxConnect: number,
    private readonly onRefused: Parameters<typeof guardFrames>[2],
  ) {
    super({ allowHalfOpen: false });
    socket.on('data', (chunk: Buffer) => {
      if (!this.inspect(chunk)) return;
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (e) => this.destroy(e));
    socket.on('close', () => this.destroy());
  }

  /** The peer's address, as aedes and logs read it from a socket. */
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.socket.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }

  /** Walks the packet boundaries in `chunk`; false (and the connection ended) on an oversized one. */
  private inspect(chunk: Buffer): boolean {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++];
      if (this.headerAt < 0) {
        if (!this.sawFirst && byte >> 4 !== CONNECT) {
          this.onRefused({ notConnect: byte >> 4 });
          this.socket.destroy();
          return false;
        }
        this.headerAt = 0;
        this.length = 0;
        this.multiplier = 1;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.headerAt++;
      if (byte & 0x80 && this.headerAt < 4) continue;
      // Header complete (a fifth length byte is malformed: the parser behind will say so).
      this.headerAt = -1;
      const beforeConnect = !this.sawFirst;
      this.sawFirst = true;
      const limit = beforeConnect ? Math.min(this.maxConnect, this.max) : this.max;
      if (this.length > limit) {
        this.onRefused({ announcedBytes: this.length, limit, beforeConnect });
        this.socket.destroy();
        return false;
      }
      this.skip = this.length;
    }
    return true;
  }
}
