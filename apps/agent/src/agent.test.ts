import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from './agent.ts';
import { parseConfig } from './config.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function oneTick(dir: string, now: number): Promise<number> {
  const config = parseConfig(
    ['agent:', '  id: edge-1', `  data_dir: ${dir}`, 'hub:', '  url: mqtt://127.0.0.1:1', 'collectors:', '  enabled: false'].join('\n'),
    'test.yaml',
  );
  const agent = new Agent(config, { now: () => now, log: () => undefined });
  await agent.tick();
  await agent.stop();
  return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).nextSeq;
}

describe('agent sequence numbers', () => {
  it('start at the clock in a fresh data folder and carry on from state.json after that', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-seq-'));
    dirs.push(dir);
    expect(await oneTick(dir, 1_800_000_000_000)).toBe(1_800_000_000_001);
    // A restart continues the numbers, whatever the clock says.
    expect(await oneTick(dir, 5)).toBe(1_800_000_000_002);
    // A damaged state file is not trusted: back to the clock.
    writeFileSync(join(dir, 'state.json'), '{"nextSeq": -3}');
    expect(await oneTick(dir, 1_900_000_000_000)).toBe(1_900_000_000_001);
  });
});
