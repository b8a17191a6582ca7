// Exports are written in pieces of about `chunkChars` characters: never one giant string
// (an export can be gigabytes), and not one call per value either (a stream write per
// value would dominate the cost).

export type WriteChunk = (chunk: string) => void;

export const DEFAULT_CHUNK_CHARS = 64 * 1024;

export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly write: WriteChunk,
    private readonly chunkChars = DEFAULT_CHUNK_CHARS,
  ) {}

  add(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.chunkChars) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.write(chunk);
  }
}
