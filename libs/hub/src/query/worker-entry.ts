// Where the query worker's code is, however the hub runs: from source under tsx (`hub serve`,
// tests: query-worker.ts beside this file, loaded with tsx's hooks) or from the Electron
// build, where this module is inside the hub process's bundle and the worker is the bundle
// `query-worker.mjs` beside it (scripts/build-electron.mjs builds both).

export interface WorkerEntry {
  url: URL;
  /** Node options for the worker thread (undefined: the process's own). */
  execArgv: string[] | undefined;
}

export function queryWorkerEntry(): WorkerEntry {
  const here = import.meta.url;
  if (!/\.[cm]?ts$/.test(new URL(here).pathname)) return { url: new URL('./query-worker.mjs', here), execArgv: undefined };
  const url = new URL('./query-worker.ts', here);
  // Started with `node --import tsx`, a worker inherits tsx's hooks; under a test runner that
  // transforms TypeScript its own way, it needs them named.
  const hasTsx = process.execArgv.some((a) => /(^|[=/\\])tsx(\/|$)/.test(a) || a === 'tsx');
  return { url, execArgv: hasTsx ? undefined : [...process.execArgv, '--import', 'tsx'] };
}
