// Real MQTT brokers for the agent's tests: aedes in-process (what the hub embeds) here,
// Debian's mosquitto from @metrics-hub/testing. Both require a user name and password, on
// 127.0.0.1 only.

import { createServer, type Server } from 'node:net';
import { freePort, type TestBroker } from '@metrics-hub/testing';

export async function startAedes(users: Record<string, string>): Promise<TestBroker> {
  const { Aedes } = await import('aedes');
  // One store for every instance: sessions and their queued messages outlive a restart,
  // as they do in a broker with persistence.
  const { default: memoryPersistence } = (await import('aedes-persistence')) as unknown as { default: () => never };
  const persistence = memoryPersistence();
  const port = await freePort();
  let server: Server | undefined;
  let broker: Awaited<ReturnType<typeof Aedes.createBroker>> | undefined;
  const start = async () => {
    broker = await Aedes.createBroker({
      persistence,
      authenticate: (_client, username, password, done) => {
        const ok = username !== undefined && users[username] !== undefined && password?.toString() === users[username];
        if (ok) done(null, true);
        else done(Object.assign(new Error('Bad username or password'), { returnCode: 4 }) as never, false);
      },
    });
    server = createServer(broker.handle);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    protocolVersion: 4,
    stop: async () => {
      await new Promise<void>((resolve) => broker!.close(() => resolve()));
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
    restart: start,
  };
}
