// The agent for the hub's own machine, so that a fresh hub shows something at once. It
// runs as a child process (its own memory, its own crash domain), with a token the hub
// issues it and a config written into the hub's data folder, and is restarted with
// backoff if it exits.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeSecretFile, makePrivateDir } from './file-modes.ts';
import { join } from 'node:path';

export interface LocalAgentOptions {
  /** The agent's command line up to its arguments, e.g. [node, metrics-agent.mjs]. */
  command: string[];
  agentId: string;
  token: string;
  brokerUrl: string;
  topicPrefix: string;
  intervalMs: number;
  dir: string;
  log: (line: string) => void;
}

export class LocalAgent {
  private child: ChildProcess | undefined;
  private stopping = false;
  private restarts = 0;
  private timer: NodeJS.Timeout | undefined;
  readonly configPath: string;

  constructor(private readonly o: LocalAgentOptions) {
    makePrivateDir(o.dir);
    this.configPath = join(o.dir, 'agent.yaml');
    writeSecretFile(
      this.configPath,
      [
        '# Written by the hub for its local agent; rewritten at every start.',
        'agent:',
        `  id: ${JSON.stringify(o.agentId)}`,
        `  data_dir: ${JSON.stringify(join(o.dir, 'data'))}`,
        `  interval: ${o.intervalMs}ms`,
        'hub:',
        `  url: ${JSON.stringify(o.brokerUrl)}`,
        `  topic_prefix: ${JSON.stringify(o.topicPrefix)}`,
        `  password: ${JSON.stringify(o.token)}`,
        '',
      ].join('\n'),
    );
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const [cmd, ...args] = this.o.command;
    const child = spawn(cmd, [...args, 'run', '--config', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let tail = '';
    child.stderr!.on('data', (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4000);
      for (const line of d.toString().split('\n')) if (line.trim()) this.o.log(`local agent: ${line.replace(/^\S+ agent: /, '')}`);
    });
    child.on('error', (e) => this.o.log(`local agent: cannot start ${cmd}: ${e.message}`));
    child.on('exit', (code, signal) => {
      this.child = undefined;
      if (this.stopping) return;
      const delay = Math.min(60_000, 1000 * 2 ** Math.min(this.restarts++, 6));
      this.o.log(`local agent exited (${signal ?? `code ${code}`}); restarting in ${Math.round(delay / 1000)} s`);
      this.timer = setTimeout(() => this.start(), delay);
    });
    // A run of a minute resets the backoff.
    setTimeout(() => {
      if (this.child === child) this.restarts = 0;
    }, 60_000).unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    await exited;
    clearTimeout(timer);
  }
}
