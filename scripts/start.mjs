// `npm start`: the hub. The hub runtime (embedded broker, ingest, HTTP API, local agent)
// arrives with issue 5 and the desktop window with issue 7; until then this says so.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync(new URL('../node_modules/better-sqlite3', import.meta.url))) {
  console.log('npm packages: installing (about 90 s the first time)');
  const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit', env: { npm_config_nodedir: '/usr', ...process.env } });
  if (res.status !== 0) process.exit(res.status ?? 1);
}
console.log('metrics-hub: the runnable hub is not there yet (it comes with the hub runtime, issue 5).');
console.log('What works today: the time-series store (libs/tsdb). Try `npm run bench -- --hosts 5 --hours 2` or `npm run test:all`.');
