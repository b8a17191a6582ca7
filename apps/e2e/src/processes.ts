// Real processes for end-to-end tests: the hub (`hub serve`, headless) and agents (the
// crash-test agent child whose collected values are known), on 127.0.0.1 ports of their own.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const HUB_CLI = fileURLToPath(new URL('../../desktop/src/headless/cli.ts', import.meta.url));
const AGENT_CHILD = fileURLToPath(new URL('../../agent/src/testing/agent-child.ts', import.meta.url));

export interface HubProcess {
  child: ChildProcess;
  http: string;
  log: string[];
  /** SIGKILL, as a crash or power cut of the process would. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startHubProcess(env: Record<string, string>): Promise<HubProcess> {
  const log: string[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', HUB_CLI, 'serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => log.push(...d.toString().split('\n').filter(Boolean)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const http = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start in 30 s:\n${log.join('\n')}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /HTTP API\s+(http:\/\/\S+?)\/api/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`hub exited ${code} before serving:\n${log.join('\n')}`)));
  });
  return {
    child,
    http,
    log,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface AgentProcess {
  /** Values the agent collected (each is the collection time in ms) and stored for delivery. */
  collected: number[];
  /** The last few kilobytes it wrote to stderr (its log, when it has one). */
  stderr(): string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
  exited: Promise<void>;
}

/** The test agent: a `test_clock` gauge every 100 ms whose value is its collection time. */
export function startAgentProcess(
  dir: string,
  brokerUrl: string,
  agentId: string,
  token: string,
  collected: number[] = [],
  confirm: 'broker' | 'hub' = 'broker',
  /** How far the agent's clock runs ahead of this machine's (a host with a wrong clock). */
  clockOffsetMs = 0,
): AgentProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', AGENT_CHILD, dir, brokerUrl, agentId, token, confirm, String(clockOffsetMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const m = /^collected (\d+)/.exec(line);
    if (m) collected.push(Number(m[1]));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    collected,
    stderr: () => err,
    exited,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A Prometheus API query; throws on an error response. */
export async function query(
  http: string,
  promql: string,
  timeSeconds?: number,
): Promise<{ metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[]> {
  const params = new URLSearchParams({ query: promql, ...(timeSeconds !== undefined ? { time: String(timeSeconds) } : {}) });
  const res = await fetch(`${http}/api/v1/query?${params}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: never[] } };
  if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error}`);
  return body.data.result;
}

/** Every value of test_clock a hub has for an agent (each is its collection time). */
export async function storedClock(http: string, agentId: string): Promise<number[]> {
  const r = await query(http, `test_clock{instance="${agentId}"}[1h]`, Date.now() / 1000 + 5);
  return (r[0]?.values ?? []).map(([, v]) => Number(v));
}

export async function issueToken(http: string, agentId: string): Promise<string> {
  const res = await fetch(`${http}/api/hub/v1/agents`, {
    method: 'POST',
    body: JSON.stringify({ agentId }),
    headers: { 'content-type': 'application/json' },
  });
  if (res.status !== 201) throw new Error(`issuing a token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}
