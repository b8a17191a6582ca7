// A size limit on incoming MQTT packets, in front of the broker. aedes buffers a packet
// until it is complete, whatever length its header announces; read from the fixed header
// as the bytes pass, an oversized packet ends the connection before it is buffered.
//
// MQTT fixed header: one byte of type and flags, then the remaining length as a varint of
// one to four bytes (seven bits each, low first, high bit = more).

import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export function guardFrames(socket: Socket, maxPacketBytes: number, onOversize: (announcedBytes: number) => void): Duplex {
  return new FrameGuard(socket, maxPacketBytes, onOversize);
}

class FrameGuard extends Duplex {
  /** Bytes of the current packet's body still to pass. */
  private skip = 0;
  /** Reading a fixed header: -1 = before its first byte, else varint bytes seen so far. */
  private headerAt = -1;
  private length = 0;
  private multiplier = 1;

  constructor(
    private readonly socket: Socket,
    private readonly max: number,
    private readonly onOversize: (bytes: number) => void,
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
      if (this.length > this.max) {
        this.onOversize(this.length);
        this.socket.destroy();
        return false;
      }
      this.skip = this.length;
    }
    return true;
  }
}
