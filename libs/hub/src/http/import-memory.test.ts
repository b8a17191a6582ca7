// POST /api/hub/v1/import of millions of lines of one family into a hub whose heap is too
// small to hold them: the import is refused with the limit named, and the hub lives on.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@metrics-hub/testing';

const HUB = fileURLToPath(new URL('../testing/hub-process.ts', import.meta.url));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startHubProcess(heapMb: number): Promise<{ base: string; stderr: () => string; exited: Promise<number | null> }> {
  const dir = tempDir('hub-import-mem-', cleanups).path;
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, '--import', 'tsx', HUB, dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { httpPort: number }).httpPort);
    });
    child.once('exit', (code) => reject(new Error(`the hub exited (${code}) before listening:\n${err}`)));
  });
  return { base: `http://127.0.0.1:${port}`, stderr: () => err, exited };
}

/** `lines` lines of one family, each its own series, as a request body stream. */
function oneFamily(lines: number): ReadableStream<Uint8Array> {
  let n = 0;
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      if (n >= lines) return controller.close();
      const piece: string[] = [];
      for (let k = 0; k < 5000 && n < lines; k++, n++) piece.push(`big_family{i="${n}"} 1 ${1_700_000_000_000 + n}\n`);
      controller.enqueue(encoder.encode(piece.join('')));
    },
  });
}

describe('an import bigger than the hub can stage', () => {
  it('is refused with the limit named, and the hub keeps running', async () => {
    const hub = await startHubProcess(160);
    const res = await fetch(`${hub.base}/api/hub/v1/import?format=prometheus`, {
      method: 'POST',
      body: oneFamily(1_500_000),
      duplex: 'half',
    } as RequestInit).catch((e: Error) => e);
    // The hub answers as soon as it stops reading; a client still sending may see the
    // connection end instead of the answer. Either way the hub must still be up.
    if (!(res instanceof Error)) {
      expect(res.status).toBe(400);
      const summary = (await res.json()) as { committed: boolean; error: string };
      expect(summary.committed).toBe(false);
      expect(summary.error).toMatch(/memory limit of \d+ MiB \(max_staged_bytes; hub import --max-staged-bytes\)/);
    }
    const alive = await fetch(`${hub.base}/api/v1/status/buildinfo`);
    expect(alive.status).toBe(200);
    const count = (await (await fetch(`${hub.base}/api/v1/query?query=count(big_family)`)).json()) as { data: { result: unknown[] } };
    expect(count.data.result).toEqual([]);
    expect(hub.stderr()).not.toMatch(/heap out of memory/);
  }, 300_000);
});
