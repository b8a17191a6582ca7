// Series scraped together share their timestamps (the store keeps them once, as
// timelines), and an export spells the same timestamps again for every such series: a
// third of an export's time on a fleet. The texts of a block's timestamps are kept for the
// next block with the very same timestamps, within a budget of characters.

/** Entries compared on a lookup, by count and first and last timestamp. */
type Key = string;

interface Entry {
  timestamps: Float64Array;
  texts: string[];
  /** The texts joined with commas, made when first asked for. */
  joined?: string;
  chars: number;
}

export class TimestampTexts {
  private readonly entries = new Map<Key, Entry[]>();
  private chars = 0;

  constructor(
    private readonly format: (ms: number) => string,
    private readonly maxChars = 16 * 2 ** 20,
  ) {}

  /** The texts of timestamps[0..length), formatted now or kept from an identical block. */
  texts(timestamps: Float64Array, length: number): string[] {
    return this.entry(timestamps, length).texts;
  }

  /** texts(...).join(','), kept the same way. */
  joined(timestamps: Float64Array, length: number): string {
    const entry = this.entry(timestamps, length);
    if (entry.joined === undefined) {
      entry.joined = entry.texts.join(',');
      this.chars += entry.joined.length;
      entry.chars += entry.joined.length;
    }
    return entry.joined;
  }

  private entry(timestamps: Float64Array, length: number): Entry {
    const key = length === 0 ? '0' : `${length}:${timestamps[0]}:${timestamps[length - 1]}`;
    const list = this.entries.get(key);
    if (list) {
      for (const e of list) if (same(e.timestamps, timestamps, length)) return e;
    }
    const texts = new Array<string>(length);
    let chars = 0;
    for (let i = 0; i < length; i++) {
      texts[i] = this.format(timestamps[i]);
      chars += texts[i].length;
    }
    const entry: Entry = { timestamps: timestamps.slice(0, length), texts, chars };
    this.chars += chars;
    // Oldest first: the budget bounds memory whatever the export; a fleet's timelines fit.
    for (const [k, old] of this.entries) {
      if (this.chars <= this.maxChars) break;
      for (const e of old) this.chars -= e.chars;
      this.entries.delete(k);
    }
    if (list && this.entries.has(key)) list.push(entry);
    else this.entries.set(key, [entry]);
    return entry;
  }
}

function same(a: Float64Array, b: Float64Array, length: number): boolean {
  if (a.length !== length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}
