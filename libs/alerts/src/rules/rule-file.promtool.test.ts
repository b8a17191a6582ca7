// The rule-file reader against Prometheus itself: for each file, `promtool check rules`
// and parseRuleFile must both accept it or both refuse it. Debian's promtool is Prometheus
// 2, so files using what only Prometheus 3 has (group labels, query_offset) are not here;
// rules.test.ts covers those.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemTool } from '@metrics-hub/testing';
import { parseRuleFile, RuleFileError } from './rule-file.ts';

const promtool = systemTool('promtool', 'prometheus', 'the rule-file conformance tests');
const dir = mkdtempSync(join(tmpdir(), 'promtool-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rules = (...lines: string[]) => ['groups:', '  - name: g', '    rules:', ...lines.map((l) => `      ${l}`)].join('\n');

const FILES: Record<string, string> = {
  'alerting and recording rules': rules(
    '- record: job:up:sum',
    '  expr: sum by (job) (up)',
    '- alert: Down',
    '  expr: up == 0',
    '  for: 5m',
  ),
  'labels on a recording rule': rules('- record: a:b', '  expr: up', '  labels: { source: rule }'),
  'label values that YAML reads as numbers': rules('- alert: A', '  expr: up', '  labels: { a: 1, b: true }'),
  'groups left empty': 'groups:\n',
  'rules left empty': 'groups:\n  - name: g\n    rules:\n',
  'a group name YAML reads as a number': 'groups:\n  - name: 123\n    rules: []\n',
  'an empty file': '',
  'a file of ~': '~\n',
  'for: 0 as a number': rules('- alert: A', '  expr: up', '  for: 0'),
  'an expr YAML reads as a number': rules('- record: five', '  expr: 5'),
  'a limit and keep_firing_for':
    'groups:\n  - name: g\n    limit: 10\n    rules:\n      - alert: A\n        expr: up\n        keep_firing_for: 1m\n',
  '__name__ among the labels': rules('- record: a', '  expr: up', '  labels: { __name__: x }'),
  'an alert without a name': rules('- alert:', '  expr: up'),
  'a label name with a space': rules('- alert: A', '  expr: up', '  labels: { "a b": x }'),
  'a limit written as text': 'groups:\n  - name: g\n    limit: "5"\n    rules: []\n',
  'a duration with a space in quotes': 'groups:\n  - name: g\n    interval: " 1m"\n    rules: []\n',
  'a duration out of Go’s range': 'groups:\n  - name: g\n    interval: 400y\n    rules: []\n',
  'an unknown top-level key': 'rules: []\n',
  'an unknown group key': 'groups:\n  - name: g\n    intervall: 1m\n    rules: []\n',
  'an unknown rule key': rules('- alert: A', '  expr: up', '  lables: {}'),
  'two groups of one name': 'groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n',
  'an expr that does not parse': rules('- alert: A', '  expr: rate(x[5m]'),
  'a recording rule named as no metric': rules('- record: bad name', '  expr: up'),
  'for on a recording rule': rules('- record: a', '  expr: up', '  for: 1m'),
  'both alert and record': rules('- alert: A', '  record: a', '  expr: up'),
  'a group without a name': 'groups:\n  - rules: []\n',
  'groups as a mapping': 'groups: { name: g }\n',
  'a rule that is text': rules('- up == 0'),
  'a duration without a unit': rules('- alert: A', '  expr: up', '  for: 5'),
};

describe('rule files, as promtool check rules has them', () => {
  for (const [what, text] of Object.entries(FILES)) {
    it(`agree on ${what}`, (ctx) => {
      if (!promtool) ctx.skip();
      const path = join(dir, `${Object.keys(FILES).indexOf(what)}.yml`);
      writeFileSync(path, text);
      const prometheus = spawnSync(promtool!, ['check', 'rules', path], { encoding: 'utf8' });
      let ours: string[] = [];
      try {
        parseRuleFile(text, path);
      } catch (e) {
        if (!(e instanceof RuleFileError)) throw e;
        ours = e.problems;
      }
      expect({ accepted: ours.length === 0, ours }).toMatchObject({ accepted: prometheus.status === 0 });
    });
  }
});
