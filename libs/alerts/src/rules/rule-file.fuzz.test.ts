// Fuzzing the rule-file reader: a rule file is refused with RuleFileError and its list of
// problems (each with file and line), or read; nothing else may be thrown, no input may
// hang it (YAML alias bombs included), and no problem list grows without bound.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzz } from '@metrics-hub/testing';
import { aliasBomb, mutatedYaml, yamlIsh } from '../testing/yaml-ish.ts';
import { parseRuleFile, RuleFileError } from './rule-file.ts';

const SEEDS = [
  `groups:
  - name: node
    interval: 30s
    labels: { team: ops }
    rules:
      - alert: HostDown
        expr: up == 0
        for: 2m
        keep_firing_for: 1m
        labels: { severity: critical }
        annotations:
          summary: "{{ $labels.instance }} is down"
      - record: instance:cpu:rate5m
        expr: sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))
        labels: { source: rule }
  - name: disk
    query_offset: 1m
    limit: 10
    rules:
      - alert: DiskFull
        expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.1
`,
  'groups: []\n',
];

describe('rule file fuzzing', () => {
  it('reads or refuses with RuleFileError, nothing else', async () => {
    const input = fc.oneof(
      { weight: 4, arbitrary: mutatedYaml(SEEDS) },
      { weight: 2, arbitrary: yamlIsh },
      { weight: 1, arbitrary: aliasBomb },
    );
    await fuzz('alerts-rule-file', input, (text) => {
      try {
        parseRuleFile(text, 'rules.yml');
      } catch (e) {
        if (!(e instanceof RuleFileError)) throw e;
        if (e.problems.length === 0) throw new Error('RuleFileError without a problem');
        if (e.problems.length > text.length + 10) throw new Error(`${e.problems.length} problems from ${text.length} characters`);
      }
    });
  }, 120_000);
});
