import { describe, expect, it } from 'vitest';
import { ChosenFiles, FILE_ID_PATTERN, TransferJobs } from './transfer-jobs.ts';

describe('TransferJobs', () => {
  it('cancels a running job of its owner only, once', () => {
    const jobs = new TransferJobs();
    const a = jobs.start(1, 7)!;
    const b = jobs.start(2, 7)!;
    expect(jobs.start(1, 7)).toBeUndefined();
    expect(jobs.cancel(1, 7)).toBe(true);
    expect(a.aborted).toBe(true);
    expect(b.aborted).toBe(false);
    jobs.finish(1, 7);
    expect(jobs.cancel(1, 7)).toBe(false);
    expect(jobs.cancel(3, 7)).toBe(false);
  });

  it('runs a job to its end, refuses the same number meanwhile, and forgets it after', async () => {
    const jobs = new TransferJobs();
    let release!: () => void;
    const first = jobs.run(1, 5, (signal) => new Promise<string>((r) => (release = () => r(signal.aborted ? 'aborted' : 'done'))), 'busy');
    await expect(jobs.run(1, 5, async () => 'second', 'busy')).resolves.toBe('busy');
    expect(jobs.cancel(1, 5)).toBe(true);
    release();
    await expect(first).resolves.toBe('aborted');
    expect(jobs.size).toBe(0);
    await expect(jobs.run(1, 5, () => Promise.reject(new Error('failed')), 'busy')).rejects.toThrow('failed');
    expect(jobs.size).toBe(0);
  });

  it('stops everything of a window that went away', () => {
    const jobs = new TransferJobs();
    const signals = [jobs.start(1, 1)!, jobs.start(1, 2)!, jobs.start(11, 1)!];
    expect(jobs.cancelAllOf(1)).toBe(2);
    expect(signals.map((s) => s.aborted)).toEqual([true, true, false]);
    expect(jobs.size).toBe(1);
  });
});

describe('ChosenFiles', () => {
  it('gives the path back only to the window it was chosen in', () => {
    const files = new ChosenFiles();
    const id = files.add(1, '/home/u/incident.ndjson', 120);
    expect(id).toMatch(FILE_ID_PATTERN);
    expect(files.get(1, id)).toEqual({ path: '/home/u/incident.ndjson', bytes: 120 });
    expect(files.get(2, id)).toBeUndefined();
    expect(files.get(1, 'f'.repeat(24))).toBeUndefined();
    files.forgetOwner(1);
    expect(files.get(1, id)).toBeUndefined();
  });

  it('forgets the oldest past its bound', () => {
    const files = new ChosenFiles(2);
    const ids = [files.add(1, '/a', 1), files.add(1, '/b', 1), files.add(1, '/c', 1)];
    expect(ids.map((id) => files.get(1, id)?.path)).toEqual([undefined, '/b', '/c']);
  });
});
