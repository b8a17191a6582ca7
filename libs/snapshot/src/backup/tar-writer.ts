// A minimal ustar writer: regular files and folders only, which is all a hub snapshot
// holds. Written here rather than taken from npm because the format is 512-byte blocks
// and a checksum, and the reader beside it must refuse anything this writer would not make.
//
//   header block (512 bytes)         member data            padding
//   name[100] mode[8] uid[8] gid[8]  size bytes             zeros up to a multiple of 512
//   size[12] mtime[12] chksum[8]
//   type[1] linkname[100] "ustar\0" "00" uname[32] gname[32] devmajor[8] devminor[8] prefix[155]
//
// The archive ends with two zero blocks.

export const BLOCK = 512;
/** Largest size the 11 octal digits of the size field hold; bigger sizes use base-256 (GNU). */
const MAX_OCTAL_SIZE = 0o77777777777;

export interface TarHeader {
  name: string;
  size: number;
  type: 'file' | 'directory';
  mode?: number;
  mtimeMs?: number;
}

/**
 * Encodes one header block. Names go in `prefix/name` when longer than 100 bytes. It does
 * not judge whether a name is safe: that is the reader's job (and tests need unsafe ones).
 */
export function encodeHeader(h: TarHeader): Buffer {
  const block = Buffer.alloc(BLOCK);
  const full = h.type === 'directory' && !h.name.endsWith('/') ? `${h.name}/` : h.name;
  const [prefix, name] = splitName(full);
  block.write(name, 0, 100, 'utf8');
  writeOctal(block, 100, 8, h.mode ?? (h.type === 'directory' ? 0o755 : 0o644));
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  const size = h.type === 'directory' ? 0 : h.size;
  if (size > MAX_OCTAL_SIZE) writeBase256(block, 124, 12, size);
  else writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, Math.floor((h.mtimeMs ?? Date.now()) / 1000));
  block.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  block.write(h.type === 'directory' ? '5' : '0', 156, 1, 'latin1');
  block.write('ustar\u000000', 257, 8, 'latin1');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i];
  block.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
  return block;
}

/** Zero bytes that bring a member of `size` bytes to a block boundary. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest ? BLOCK - rest : 0);
}

/** The two zero blocks that end an archive. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  // Split at a '/' so that prefix <= 155 bytes and the rest <= 100 bytes.
  for (let i = name.lastIndexOf('/'); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) return [prefix, rest];
  }
  throw new RangeError(`tar member name too long for ustar: ${name}`);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, offset, length, 'latin1');
}

function writeBase256(block: Buffer, offset: number, length: number, value: number): void {
  let v = value;
  for (let i = offset + length - 1; i > offset; i--) {
    block[i] = v % 256;
    v = Math.floor(v / 256);
  }
  block[offset] = 0x80;
}

/**
 * Writes members to a stream (a gzip stream in practice), waiting for it to drain so a
 * multi-gigabyte database never sits in memory.
 */
export class TarWriter {
  constructor(private readonly out: NodeJS.WritableStream) {}

  async addBuffer(name: string, data: Uint8Array, mtimeMs?: number): Promise<void> {
    await this.write(encodeHeader({ name, size: data.byteLength, type: 'file', mtimeMs }));
    await this.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    await this.write(padding(data.byteLength));
  }

  /**
   * Streams `chunks` as a member of `size` bytes. The size goes in the header before the
   * data, so a source that grew or shrank meanwhile is an error rather than a broken archive.
   */
  async addStream(
    name: string,
    size: number,
    chunks: AsyncIterable<Buffer>,
    mtimeMs?: number,
    onBytes?: (n: number) => void,
  ): Promise<void> {
    await this.write(encodeHeader({ name, size, type: 'file', mtimeMs }));
    let written = 0;
    for await (const chunk of chunks) {
      written += chunk.byteLength;
      if (written > size) break;
      await this.write(chunk);
      onBytes?.(chunk.byteLength);
    }
    if (written !== size) throw new Error(`${name} changed size while it was archived (expected ${size} bytes, read ${written})`);
    await this.write(padding(size));
  }

  async addDirectory(name: string, mtimeMs?: number): Promise<void> {
    await this.write(encodeHeader({ name, size: 0, type: 'directory', mtimeMs }));
  }

  async finish(): Promise<void> {
    await this.write(endOfArchive());
  }

  private async write(buf: Buffer): Promise<void> {
    if (buf.byteLength === 0) return;
    if (!this.out.write(buf))
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.out.off('error', onError);
          resolve();
        };
        const onError = (e: Error) => {
          this.out.off('drain', onDrain);
          reject(e);
        };
        this.out.once('drain', onDrain);
        this.out.once('error', onError);
      });
  }
}
