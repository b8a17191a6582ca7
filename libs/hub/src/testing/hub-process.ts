// A hub in a child process of its own, for tests that bound its memory:
//   node --max-old-space-size=MB --import tsx hub-process.ts <data dir>
// prints {"httpPort": N} once it listens; SIGTERM stops it.
import { Hub } from '../hub.ts';
import { testHubConfig } from './test-hub-config.ts';

const hub = await Hub.start(testHubConfig(process.argv[2]), { log: (line) => process.stderr.write(`hub: ${line}\n`) });
process.stdout.write(`${JSON.stringify({ httpPort: hub.httpAddress.port })}\n`);
process.once('SIGTERM', () => void hub.stop().then(() => process.exit(0)));
