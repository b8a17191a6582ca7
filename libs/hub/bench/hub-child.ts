// The hub under benchmark, in a process of its own so that its CPU and memory are its
// own: starts a Hub on 127.0.0.1 (ports chosen by the OS), issues tokens for the simulated
// agents and prints {brokerUrl, httpPort, tokens} as one JSON line. SIGTERM stops it.
//
//   node --import tsx libs/hub/bench/hub-child.ts <data dir> <agents>
import { Hub } from '../src/index.ts';
import { testHubConfig } from '../src/testing/index.ts';

const [dir, agents] = process.argv.slice(2);
const config = testHubConfig(dir, [], process.env);
const hub = await Hub.start(config, { log: (line) => process.stderr.write(`hub: ${line}\n`) });
const tokens: Record<string, string> = {};
for (let i = 0; i < Number(agents); i++) tokens[`bench-${i}`] = hub.tokens.issue(`bench-${i}`);
process.stdout.write(`${JSON.stringify({ brokerUrl: hub.localBrokerUrl, httpPort: hub.httpAddress.port, tokens })}\n`);
process.once('SIGTERM', () => {
  const s = hub.ingester.stats;
  process.stderr.write(
    `hub: ${s.commits} commits, ${s.batchesStored} batches stored, ${s.batchesDuplicate} duplicate, ${s.batchesRejected} rejected\n`,
  );
  void hub.stop().then(() => process.exit(0));
});
