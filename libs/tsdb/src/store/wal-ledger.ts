// The write-ahead rows not truncated yet and their sizes: how far back the journal
// reaches and how many bytes it holds (its budget is `walMaxBytes`).

export class WalLedger {
  private rows: { seq: number; bytes: number }[] = [];
  /** Bytes of all the rows held. */
  bytes = 0;

  add(seq: number, bytes: number): void {
    this.rows.push({ seq, bytes });
    this.bytes += bytes;
  }

  /** Bytes of the rows from `seq` on. */
  bytesFrom(seq: number): number {
    let bytes = 0;
    for (const row of this.rows) if (row.seq >= seq) bytes += row.bytes;
    return bytes;
  }

  /** The oldest row held (Infinity when none). */
  get firstSeq(): number {
    return this.rows.length ? this.rows[0].seq : Infinity;
  }

  /** Whether any row held comes before `seq`. */
  anyBefore(seq: number): boolean {
    return !(this.rows.length === 0 || this.rows[0].seq >= seq);
  }

  /** Forgets the rows before `seq` (deleted from the table). */
  dropBefore(seq: number): void {
    let drop = 0;
    while (drop < this.rows.length && this.rows[drop].seq < seq) this.bytes -= this.rows[drop++].bytes;
    this.rows.splice(0, drop);
  }

  clear(): void {
    this.rows = [];
    this.bytes = 0;
  }
}
