// A log line per key (an agent, a way in) at most every `everyMs`: the first at once, later
// ones folded into a count, so that an agent refused every interval is reported, not
// allowed to bury the log.

export class ThrottledLog {
  private readonly last = new Map<string, { atMs: number; suppressed: number }>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly now: () => number,
    private readonly everyMs = 10 * 60_000,
  ) {}

  note(key: string, line: string): void {
    const now = this.now();
    const seen = this.last.get(key);
    if (seen && now - seen.atMs < this.everyMs) {
      seen.suppressed++;
      return;
    }
    const more = seen?.suppressed ? ` (${seen.suppressed} more like it in the last ${Math.round((now - seen.atMs) / 60_000)} min)` : '';
    this.last.set(key, { atMs: now, suppressed: 0 });
    this.log(`${line}${more}`);
  }
}
