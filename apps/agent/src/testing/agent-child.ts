// Child process for the agent crash test: runs an agent against a broker, with a collector
// whose values are its collection times, and prints "collected <value>" once each
// interval is stored. Killed with SIGKILL by the parent, or stopped with SIGTERM.
//
//   agent-child.ts <data dir> <broker url> [agent id] [token] [confirm: broker|hub] [clock offset ms]
//
// With a clock offset the agent's clock runs that far ahead of (or behind) the machine's,
// as a host with a wrong clock would; its log lines go to stderr then.
import { writeSync } from 'node:fs';
import { Agent } from '../agent.ts';
import { parseConfig } from '../config.ts';

const [dir, url, id = 'edge-1', token = 'agent-token', confirm = 'broker', offset = '0'] = process.argv.slice(2);
const clockOffsetMs = Number(offset);
const config = parseConfig(
  [
    'agent:',
    `  id: ${id}`,
    `  data_dir: ${dir}`,
    '  interval: 100ms',
    'hub:',
    `  url: ${url}`,
    `  password: ${token}`,
    `  confirm: ${confirm}`,
    '  reconnect_initial: 100ms',
    '  reconnect_max: 500ms',
    'buffer:',
    '  outage_batch: 1s',
    'collectors:',
    '  enabled: true',
  ].join('\n'),
  'child.yaml',
);
const agent = new Agent(config, {
  collectors: [
    {
      name: 'clock',
      async collect(ctx) {
        const t = ctx.now();
        return [
          {
            name: 'test_clock',
            type: 'gauge',
            help: 'Collection time.',
            unit: '',
            samples: [{ name: 'test_clock', labels: {}, value: t }],
          },
        ];
      },
    },
  ],
  now: () => Date.now() + clockOffsetMs,
  log: clockOffsetMs ? (line) => writeSync(2, `agent: ${line}\n`) : () => undefined,
  onCollected: (_seq, samples) => {
    for (const s of samples) if (s.labels.__name__ === 'test_clock') writeSync(1, `collected ${s.value}\n`);
  },
});
await agent.start();
process.once('SIGTERM', () => void agent.stop().then(() => process.exit(0)));
