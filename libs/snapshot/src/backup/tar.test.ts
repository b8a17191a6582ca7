import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readTar, TarFormatError, type TarEntry } from './tar-reader.ts';
import { encodeHeader, endOfArchive, padding } from './tar-writer.ts';
import { memberNameProblem } from './safe-path.ts';

function archive(members: { name: string; data?: Buffer; dir?: boolean }[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = m.data ?? Buffer.alloc(0);
    parts.push(
      encodeHeader({ name: m.name, size: data.byteLength, type: m.dir ? 'directory' : 'file', mtimeMs: 1_700_000_000_000 }),
      data,
      padding(data.byteLength),
    );
  }
  parts.push(endOfArchive());
  return Buffer.concat(parts);
}

/** Feeds `buf` in pieces of `piece` bytes, so headers and data straddle chunk boundaries. */
async function read(buf: Buffer, piece: number): Promise<{ entry: TarEntry; data: Buffer }[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.byteLength; i += piece) chunks.push(buf.subarray(i, i + piece));
  const out: { entry: TarEntry; data: Buffer }[] = [];
  await readTar(Readable.from(chunks), (entry) => {
    const parts: Buffer[] = [];
    return { data: (c) => void parts.push(Buffer.from(c)), end: () => void out.push({ entry, data: Buffer.concat(parts) }) };
  });
  return out;
}

describe('ustar writer and reader', () => {
  const long = `rules/${'d'.repeat(90)}/${'f'.repeat(60)}.yml`;
  const members = [
    { name: 'empty', data: Buffer.alloc(0) },
    { name: 'exact', data: Buffer.alloc(512, 7) },
    { name: 'odd', data: Buffer.from('x'.repeat(1000)) },
    { name: long, data: Buffer.from('long name') },
  ];

  for (const piece of [1, 7, 512, 100_000]) {
    it(`round-trips names and bytes when read ${piece} bytes at a time`, async () => {
      const got = await read(archive([{ name: 'rules', dir: true }, ...members]), piece);
      expect(got.map((g) => g.entry.name)).toEqual(['empty', 'exact', 'odd', long]);
      for (let i = 0; i < members.length; i++) expect(got[i].data.equals(members[i].data)).toBe(true);
      expect(got[2].entry.mtimeMs).toBe(1_700_000_000_000);
    });
  }

  it('writes headers GNU tar agrees with: magic, checksum, prefix split', () => {
    const h = encodeHeader({ name: long, size: 9, type: 'file', mtimeMs: 0 });
    expect(h.toString('latin1', 257, 263)).toBe('ustar\u0000');
    expect(h.toString('utf8', 345, 345 + 96)).toBe(`rules/${'d'.repeat(90)}`);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    expect(parseInt(h.toString('latin1', 148, 154), 8)).toBe(sum);
  });

  it('refuses a header with a bad checksum, naming the member before it', async () => {
    const buf = archive(members);
    buf[512 + 3] ^= 0xff; // the second header ('exact')
    await expect(read(buf, 4096)).rejects.toThrow(/checksum.*after member empty/);
  });

  it('refuses links and a cut-short archive', async () => {
    const link = encodeHeader({ name: 'evil', size: 0, type: 'file' });
    link.write('2', 156, 'latin1');
    link.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of link) sum += b;
    link.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'latin1');
    await expect(read(Buffer.concat([link, endOfArchive()]), 512)).rejects.toThrow(/type '2'/);
    const full = archive(members);
    await expect(read(full.subarray(0, 1500), 512)).rejects.toBeInstanceOf(TarFormatError);
  });

  it('judges member names', () => {
    for (const bad of ['../evil', 'rules/../../x', '/etc/passwd', 'C:/x', 'a\\b', 'a//b', './a', ''])
      expect(memberNameProblem(bad), bad).toBeDefined();
    for (const good of ['metrics.db', 'rules/node.yml', 'rules/a/b.yaml', 'rules/']) expect(memberNameProblem(good), good).toBeUndefined();
  });
});
