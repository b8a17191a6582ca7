import { afterEach, describe, expect, it, vi } from 'vitest';
import { median, parseBenchArgs, percentile, printTable } from './bench-output.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('parseBenchArgs', () => {
  const defaults = { hosts: 50, hours: 24, queryRuns: 3 };

  it('keeps the defaults and takes numbers for --name and --kebab-case, and a --dir', () => {
    expect(parseBenchArgs([], defaults)).toEqual(defaults);
    expect(parseBenchArgs(['--hosts', '5', '--query-runs', '1.5', '--dir', '/mnt/fast'], defaults)).toEqual({
      hosts: 5,
      hours: 24,
      queryRuns: 1.5,
      dir: '/mnt/fast',
    });
  });

  it('rejects an unknown option, naming those it knows', () => {
    expect(() => parseBenchArgs(['--agents', '3'], defaults)).toThrow(
      'unknown option --agents: use --hosts, --hours, --query-runs or --dir',
    );
  });

  it('takes a word for an option whose default is a word', () => {
    expect(parseBenchArgs(['--peers', 'none', '--hosts', '2'], { hosts: 50, peers: 'auto' })).toEqual({ hosts: 2, peers: 'none' });
    expect(() => parseBenchArgs(['--hosts', 'none'], { hosts: 50, peers: 'auto' })).toThrow('--hosts needs a number, got none');
  });

  it('rejects a value that is not a number, and an option without a value', () => {
    expect(() => parseBenchArgs(['--hours', 'two'], defaults)).toThrow('--hours needs a number, got two');
    expect(() => parseBenchArgs(['--hours', 'Infinity'], defaults)).toThrow('--hours needs a number, got Infinity');
    expect(() => parseBenchArgs(['--hosts', '5', '--hours'], defaults)).toThrow('--hours needs a value');
  });
});

describe('printTable', () => {
  it('prints the title and the rows with the names in one padded column', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    printTable('store', [
      ['append', '1.2 M samples/s'],
      ['query p99', '3 ms'],
    ]);
    expect(lines).toEqual(['\nstore', '  append     1.2 M samples/s', '  query p99  3 ms']);
  });
});

describe('percentile and median', () => {
  it('pick a measured value by nearest rank, without reordering the input', () => {
    const values = [40, 10, 30, 20];
    expect(median(values)).toBe(20);
    expect(percentile(values, 0)).toBe(10);
    expect(percentile(values, 75)).toBe(30);
    expect(percentile(values, 99)).toBe(40);
    expect(percentile(values, 100)).toBe(40);
    expect(values).toEqual([40, 10, 30, 20]);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 99)).toBe(99);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});
