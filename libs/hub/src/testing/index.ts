// What tests and benchmarks of other packages use to run a hub (`@metrics-hub/hub/testing`).
export { connectAsAgent, publishAsAgent, testHubConfig, testHubYaml, type TestHubSections } from './test-hub-config.ts';
