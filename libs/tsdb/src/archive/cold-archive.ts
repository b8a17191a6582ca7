// The cold-storage folder: one file per archived UTC day (a second part when a day is
// archived again, e.g. after a restore), never rewritten. Queries open the files of the
// days they cover on demand (a few stay open); a file that fails its checksums is
// reported and left out of every answer rather than trusted.

import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileMatcher, labelsKey, type LabelMatcher, type Labels } from '@metrics-hub/wire';
import { StoreError } from '../errors.ts';
import type { SampleBlock } from '../sample-merge.ts';
import { ArchiveDamagedError, DayFile, DayFileWriter, type ArchiveSeriesInput } from './day-file.ts';

const DAY_MS = 86_400_000;
/** Written on first use: a folder without it, after days were archived, is not mounted. */
const MARKER = '.metrics-hub-archive';
const FILE_PATTERN = /^(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.mharc$/;
/** Open files kept for the next query (their indexes are in memory, data read on demand). */
const OPEN_FILES = 8;

export interface ArchiveFileInfo {
  path: string;
  day: string;
  /** The day's samples are in (startMs, startMs + 1 day]. */
  startMs: number;
  part: number;
  bytes: number;
}

export interface ArchiveStatus {
  dir: string;
  files: number;
  bytes: number;
  firstDay?: string;
  lastDay?: string;
  /** Files found damaged so far (by queries, or by verify()), with the reason. */
  damaged: { file: string; reason: string }[];
  /** Why nothing is archived now (the folder is not the one days were archived to). */
  unavailable?: string;
}

/** One series' samples in one archive file, read when pulled. */
export interface ArchiveHit {
  key: string;
  labels: Labels;
  minT: number;
  maxT: number;
  load(): SampleBlock[];
}

/** What a read tells its caller beside the samples: which days came from the archive, which files were skipped. */
export interface ArchiveReadNotes {
  /** Days that gave samples, YYYY-MM-DD. */
  days: string[];
  /** Called for each file left out; also later, when a block fails its checksum as it is read. */
  damaged(error: ArchiveDamagedError): void;
}

export class ColdArchive {
  private files: ArchiveFileInfo[] = [];
  private readonly open = new Map<string, DayFile>();
  /** path -> reason; keyed with size so a file replaced from a backup is tried again. */
  private readonly damaged = new Map<string, { reason: string; bytes: number }>();
  /** The day file being written, if any (its temporary name), and whether it is being renamed into place. */
  private writing: { tmp: string; finishing: boolean } | undefined;

  /**
   * Why days cannot be archived here now (the folder lost its marker: a NAS not mounted),
   * or undefined.
   */
  private unavailableReason: string | undefined;

  /**
   * `usedBefore`: days were archived here already, so the folder must carry the marker
   * file written on first use. Without it the folder is most likely a mount point with
   * nothing mounted on it: nothing is written there (the days stay in the store) until it
   * is back, instead of scattering archive files over the local disk.
   */
  constructor(
    readonly dir: string,
    private readonly log: (line: string) => void = () => {},
    usedBefore = false,
    /** A reader beside the writer (a query worker): it creates, writes and removes nothing. */
    readonly readOnly = false,
  ) {
    if (readOnly) {
      this.rescan();
      return;
    }
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new StoreError(
        'invalid_option',
        `cannot create the archive folder ${dir} (${(e as Error).message}): check that it is mounted and writable`,
      );
    }
    const marker = join(dir, MARKER);
    if (!existsSync(marker)) {
      if (usedBefore) {
        this.unavailableReason = `the archive folder ${dir} has no ${MARKER} file although days were archived there: is it mounted? Mount it and restart the hub (until then no day is archived and archived days read as empty)`;
        log(`cold storage: ${this.unavailableReason}`);
      } else writeFileSync(marker, `${JSON.stringify({ format: 'metrics-hub archive', createdAt: new Date().toISOString() })}\n`);
    }
    // A file being written when the process died: its day is still in the store.
    for (const name of readdirSync(dir)) if (/^\..+\.mharc(\.[0-9]+-[0-9a-f]+)?\.tmp$/.test(name)) rmSync(join(dir, name), { force: true });
    this.rescan();
  }

  static fileName(day: string, part: number): string {
    return part === 0 ? `${day}.mharc` : `${day}.${part}.mharc`;
  }

  /** Re-reads the folder's listing (files restored or removed by hand appear on the next read). */
  rescan(): void {
    const found: ArchiveFileInfo[] = [];
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (e) {
      // Only a reader gets here (the writer made the folder): a folder not mounted reads as empty.
      if (!this.readOnly) throw e;
      names = [];
    }
    for (const name of names) {
      const m = FILE_PATTERN.exec(name);
      if (!m) continue;
      const path = join(this.dir, name);
      const startMs = Date.parse(`${m[1]}T00:00:00Z`);
      if (!Number.isFinite(startMs)) continue;
      let bytes = 0;
      try {
        bytes = statSync(path).size;
      } catch {
        continue;
      }
      found.push({ path, day: m[1], startMs, part: m[2] ? Number(m[2]) : 0, bytes });
    }
    found.sort((a, b) => a.startMs - b.startMs || a.part - b.part);
    this.files = found;
  }

  /**
   * Archives one day: a new file (or a new part when the day already has one), written a
   * series at a time, letting other work run every `yieldEvery` series. Undefined when
   * `stopped()` said to give up (nothing is left behind then).
   */
  async writeDay(
    dayStartMs: number,
    series: Iterable<ArchiveSeriesInput>,
    nowMs: number,
    o: { yieldEvery: number; stopped: () => boolean },
  ): Promise<{ path: string; bytes: number; samples: number; series: number } | undefined> {
    if (this.unavailableReason) throw new StoreError('archive_write', this.unavailableReason);
    const day = dayName(dayStartMs);
    const parts = this.files.filter((f) => f.startMs === dayStartMs).map((f) => f.part);
    const part = parts.length ? Math.max(...parts) + 1 : 0;
    const path = join(this.dir, ColdArchive.fileName(day, part));
    let writer: DayFileWriter | undefined;
    this.writing = { tmp: DayFileWriter.tempPathFor(path), finishing: false };
    try {
      writer = await DayFileWriter.create(path, this.writing.tmp);
      let n = 0;
      for (const s of series) {
        await writer.addSeries(s);
        if (++n % o.yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
        if (o.stopped()) break;
      }
      if (o.stopped()) {
        await writer.abort();
        return undefined;
      }
      this.writing.finishing = true;
      const written = await writer.finish({ day, startMs: dayStartMs, endMs: dayStartMs + DAY_MS, createdMs: nowMs });
      this.files.push({ path, day, startMs: dayStartMs, part, bytes: written.bytes });
      this.files.sort((a, b) => a.startMs - b.startMs || a.part - b.part);
      return { path, ...written };
    } catch (e) {
      await writer?.abort();
      throw new StoreError(
        'archive_write',
        `could not write the archive file ${path} (${(e as Error).message}): check that the archive folder is mounted, writable and has space; the day stays in the store until it can be written`,
      );
    } finally {
      this.writing = undefined;
    }
  }

  /**
   * The matching series' samples in files of days overlapping [mint, maxt]. Damaged files
   * are left out and listed in `notes`.
   */
  select(matchers: readonly LabelMatcher[], mint: number, maxt: number, notes: ArchiveReadNotes): ArchiveHit[] {
    const compiled = matchers.map(compileMatcher);
    const hits: ArchiveHit[] = [];
    for (const info of this.files) {
      if (info.startMs + DAY_MS < mint || info.startMs >= maxt) continue;
      const file = this.openFile(info, notes);
      if (!file) continue;
      let matched = false;
      file.index.series.forEach((entry, i) => {
        if (entry.maxT < mint || entry.minT > maxt) return;
        if (!compiled.every((m) => m.matches(entry.labels[m.name] ?? ''))) return;
        matched = true;
        hits.push({
          key: labelsKey(entry.labels),
          labels: entry.labels,
          minT: entry.minT,
          maxT: entry.maxT,
          load: () => this.readSeries(file, i, notes),
        });
      });
      if (matched && !notes.days.includes(info.day)) notes.days.push(info.day);
    }
    return hits;
  }

  private readSeries(file: DayFile, i: number, notes: ArchiveReadNotes): SampleBlock[] {
    // Found damaged by an earlier read of this query: none of it is trusted any more.
    if (this.damaged.has(file.path)) return [];
    try {
      return file.readSeries(i);
    } catch (e) {
      if (!(e instanceof ArchiveDamagedError)) throw e;
      // Changed since it was opened: drop it from the cache so no later query trusts it.
      this.markDamaged(file.path, e.reason, file.bytes);
      this.close(file.path);
      notes.damaged(e);
      return [];
    }
  }

  private openFile(info: ArchiveFileInfo, notes: ArchiveReadNotes): DayFile | undefined {
    const cached = this.open.get(info.path);
    if (cached) {
      // Most recently used last.
      this.open.delete(info.path);
      this.open.set(info.path, cached);
      return cached;
    }
    const known = this.damaged.get(info.path);
    if (known && known.bytes === info.bytes) {
      notes.damaged(new ArchiveDamagedError(info.path, known.reason));
      return undefined;
    }
    try {
      const file = DayFile.open(info.path);
      this.damaged.delete(info.path);
      this.open.set(info.path, file);
      while (this.open.size > OPEN_FILES) {
        const [oldest, f] = this.open.entries().next().value!;
        f.close();
        this.open.delete(oldest);
      }
      return file;
    } catch (e) {
      const err = e instanceof ArchiveDamagedError ? e : new ArchiveDamagedError(info.path, (e as Error).message);
      this.markDamaged(info.path, err.reason, info.bytes);
      notes.damaged(err);
      return undefined;
    }
  }

  private markDamaged(path: string, reason: string, bytes: number): void {
    if (this.damaged.get(path)?.reason === reason) return;
    this.damaged.set(path, { reason, bytes });
    this.log(
      `archive file ${path} is damaged (${reason}): it is left out of query results; restore it from a backup or move it out of the archive folder`,
    );
  }

  /** Opens every file and checks its checksums; returns the damaged ones. */
  verify(onProgress?: (done: number, total: number) => void): { file: string; reason: string }[] {
    this.rescan();
    const out: { file: string; reason: string }[] = [];
    this.files.forEach((info, k) => {
      this.close(info.path);
      this.damaged.delete(info.path);
      const notes: ArchiveReadNotes = { days: [], damaged: (d) => out.push({ file: d.file, reason: d.reason }) };
      const file = this.openFile(info, notes);
      for (let i = 0; file && this.open.has(info.path) && i < file.index.series.length; i++) this.readSeries(file, i, notes);
      onProgress?.(k + 1, this.files.length);
    });
    return out;
  }

  /** Deletes the files of days ending at or before `cutoffMs`; returns how many. */
  dropThrough(cutoffMs: number): number {
    let dropped = 0;
    for (const info of this.files) {
      if (info.startMs + DAY_MS > cutoffMs) continue;
      this.close(info.path);
      rmSync(info.path, { force: true });
      this.damaged.delete(info.path);
      dropped++;
    }
    if (dropped) this.files = this.files.filter((f) => f.startMs + DAY_MS > cutoffMs);
    return dropped;
  }

  status(): ArchiveStatus {
    let bytes = 0;
    for (const f of this.files) bytes += f.bytes;
    return {
      dir: this.dir,
      files: this.files.length,
      bytes,
      firstDay: this.files[0]?.day,
      lastDay: this.files.at(-1)?.day,
      damaged: [...this.damaged].map(([file, d]) => ({ file, reason: d.reason })),
      ...(this.unavailableReason ? { unavailable: this.unavailableReason } : {}),
    };
  }

  private close(path: string): void {
    this.open.get(path)?.close();
    this.open.delete(path);
  }

  /**
   * Closes the files open for reading and removes a day file being written, now: the
   * writer notices the close only at its next turn, and a process that exits right after
   * close() must not leave a half-written file (a file being renamed into place is left
   * to finish: it is whole).
   */
  closeAll(): void {
    for (const f of this.open.values()) f.close();
    this.open.clear();
    if (this.writing && !this.writing.finishing) rmSync(this.writing.tmp, { force: true });
  }
}

export function dayName(startMs: number): string {
  return new Date(startMs).toISOString().slice(0, 10);
}
