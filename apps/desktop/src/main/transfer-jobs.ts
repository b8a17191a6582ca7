// The main process's bookkeeping for the window's file transfers: which jobs run (so a
// cancel message, or the window going away, can stop them) and which files the user
// chose in an open dialog (the window holds only an unguessable id; the path never leaves
// the main process, so a window cannot name a file it was not given).
// Owners are webContents ids: one window's numbers never reach another's jobs.

import { randomBytes } from 'node:crypto';

export class TransferJobs {
  private readonly running = new Map<string, AbortController>();

  /** The new job's signal, or undefined when this owner already runs a job with that number. */
  start(owner: number, job: number): AbortSignal | undefined {
    const key = `${owner}:${job}`;
    if (this.running.has(key)) return undefined;
    const c = new AbortController();
    this.running.set(key, c);
    return c.signal;
  }

  /** Stops a running job; false when there is none (finished already, or never started). */
  cancel(owner: number, job: number): boolean {
    const c = this.running.get(`${owner}:${job}`);
    c?.abort();
    return !!c;
  }

  finish(owner: number, job: number): void {
    this.running.delete(`${owner}:${job}`);
  }

  /** Runs `run` as job `job` of `owner`, so that a cancel or the owner going away stops it; `busy` when that job runs already. */
  async run<T>(owner: number, job: number, run: (signal: AbortSignal) => Promise<T>, busy: T): Promise<T> {
    const signal = this.start(owner, job);
    if (!signal) return busy;
    try {
      return await run(signal);
    } finally {
      this.finish(owner, job);
    }
  }

  /** Stops everything of one owner (its window closed or crashed); returns how many. */
  cancelAllOf(owner: number): number {
    let n = 0;
    for (const [key, c] of this.running) {
      if (!key.startsWith(`${owner}:`)) continue;
      c.abort();
      this.running.delete(key);
      n++;
    }
    return n;
  }

  get size(): number {
    return this.running.size;
  }
}

export const FILE_ID_PATTERN = /^[0-9a-f]{24}$/;

/** Files chosen in open dialogs, by id; the oldest forgotten past `max`. */
export class ChosenFiles {
  private readonly files = new Map<string, { owner: number; path: string; bytes: number }>();

  constructor(
    private readonly max = 32,
    private readonly newId = () => randomBytes(12).toString('hex'),
  ) {}

  add(owner: number, path: string, bytes: number): string {
    const id = this.newId();
    this.files.set(id, { owner, path, bytes });
    while (this.files.size > this.max) this.files.delete(this.files.keys().next().value!);
    return id;
  }

  /** The chosen file's path, only for the owner it was given to. */
  get(owner: number, fileId: string): { path: string; bytes: number } | undefined {
    const f = this.files.get(fileId);
    return f && f.owner === owner ? { path: f.path, bytes: f.bytes } : undefined;
  }

  forgetOwner(owner: number): void {
    for (const [id, f] of this.files) if (f.owner === owner) this.files.delete(id);
  }
}
