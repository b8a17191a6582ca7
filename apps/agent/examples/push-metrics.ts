// A program that pushes its own metrics to the local agent over ZeroMQ.
// Enable the intake in the agent's config (push: {zeromq_enabled: true}), then:
//   npx tsx apps/agent/examples/push-metrics.ts [tcp://127.0.0.1:5557]
import { MetricsPush } from '../src/intake/push-client.ts';

const endpoint = process.argv[2] ?? 'tcp://127.0.0.1:5557';
const push = await MetricsPush.connect(endpoint);
let jobs = 0;
for (let i = 0; i < 5; i++) {
  jobs += Math.floor(Math.random() * 10);
  await push.send(
    `# TYPE example_jobs_done_total counter\nexample_jobs_done_total{queue="mail"} ${jobs}\nexample_queue_depth{queue="mail"} ${Math.floor(Math.random() * 100)}\n`,
  );
  console.log(`pushed jobs=${jobs}`);
  await new Promise((r) => setTimeout(r, 1000));
}
push.close();
