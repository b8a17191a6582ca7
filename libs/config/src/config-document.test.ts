import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, openConfigDocument, readConfigText, shownValue, type ConfigSchema } from './config-document.ts';

const schema: ConfigSchema = {
  http: {
    listen: { kind: 'string', default: '127.0.0.1:9464', help: 'address to listen on' },
    timeout: { kind: 'duration', default: '2m', help: 'query timeout, e.g. 2m' },
  },
  store: {
    size: { kind: 'bytes', default: '1GiB', help: 'size bound, e.g. 10GiB' },
    mode: {
      kind: (raw) => (raw === 'fast' || raw === 'safe' ? { value: raw } : { error: 'must be fast or safe' }),
      default: 'safe',
      help: 'write mode',
    },
  },
};

function problemsOf(fn: () => void): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('config document', () => {
  it('gives defaults, file values and environment values, in that order of weakness', () => {
    const doc = openConfigDocument('http:\n  timeout: 30s\nstore:\n  mode: fast\n', 'hub.yaml', {
      schema,
      envPrefix: 'TEST',
      env: { TEST_STORE_SIZE: '2MiB' },
    });
    expect(doc.get('http', 'listen')).toBe('127.0.0.1:9464');
    expect(doc.get('http', 'timeout')).toBe(30_000);
    expect(doc.get('store', 'size')).toBe(2 * 1024 * 1024);
    expect(doc.get('store', 'mode')).toBe('fast');
    doc.finish();
  });

  it('reports every mistake with its line, including those from the environment', () => {
    const problems = problemsOf(() => {
      const doc = openConfigDocument('http:\n  listn: x\n  timeout: soon\nstorage: {}\n', 'hub.yaml', {
        schema,
        envPrefix: 'TEST',
        env: { TEST_STORE_MODE: 'reckless' },
      });
      doc.get('http', 'timeout');
      doc.get('store', 'mode');
      doc.finish();
    });
    expect(problems).toEqual([
      'hub.yaml:2: unknown key "http.listn": did you mean "listen"? Known keys are listen, timeout',
      'hub.yaml:4: unknown section "storage": did you mean "store"? Use one of http, store',
      'hub.yaml:3: http.timeout must be a duration like 500ms, 10s, 5m, 1h or 7d (got "soon"): query timeout, e.g. 2m',
      'hub.yaml: store.mode (from TEST_STORE_MODE) must be fast or safe (got "reckless"): write mode',
    ]);
  });

  it('leaves list sections to the caller and reports required fields in them', () => {
    const doc = openConfigDocument('rules:\n  - file: a.yaml\n  - {}\n', 'hub.yaml', {
      schema,
      envPrefix: 'TEST',
      listSections: ['rules'],
    });
    const rules = doc.root.rules as Record<string, unknown>[];
    const spec = { kind: 'string' as const, default: undefined, help: 'a rule file path' };
    expect(rules.map((r, i) => doc.field(r.file, spec, ['rules', i, 'file'], `rule #${i + 1} file`, true))).toEqual(['a.yaml', undefined]);
    expect(problemsOf(() => doc.finish())).toEqual(['hub.yaml:3: rule #2 file is required: a rule file path']);
  });

  it('refuses broken YAML and a file that is not a mapping', () => {
    expect(problemsOf(() => openConfigDocument('http: [\n', 'hub.yaml', { schema, envPrefix: 'TEST' }))[0]).toMatch(
      /^hub\.yaml:\d+: .*fix the YAML syntax$/,
    );
    expect(problemsOf(() => openConfigDocument('- a\n- b\n', 'hub.yaml', { schema, envPrefix: 'TEST' }))).toEqual([
      'hub.yaml: the config must be a mapping of sections (http, store)',
    ]);
  });

  it('says how to fix an unreadable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    try {
      writeFileSync(join(dir, 'ok.yaml'), 'http: {}\n');
      expect(readConfigText(join(dir, 'ok.yaml'))).toBe('http: {}\n');
      expect(problemsOf(() => readConfigText(join(dir, 'missing.yaml'), '--hub-config'))[0]).toMatch(
        /missing\.yaml: cannot read the config file \(ENOENT.*\): check the path given with --hub-config$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('values in messages', () => {
  it('are shown for ordinary keys, never for secrets, mappings or lists', () => {
    expect(shownValue('soon', {}, 'http.timeout')).toBe(' (got "soon")');
    expect(shownValue('hunter22', { secret: true }, 'http.key')).toBe(' (its value not shown: it may be a secret)');
    for (const label of ['broker.password', 'http.token', 'remote_write #1 bearer_token', 'hub.url', 'remote_write headers'])
      expect(shownValue('hunter22', {}, label)).not.toContain('hunter22');
    expect(shownValue({ Authorization: 'Bearer hunter22' }, {}, 'x.extra')).toBe(' (got a mapping)');
    expect(shownValue(['hunter22'], {}, 'x.extra')).toBe(' (got a list)');
    expect(shownValue(undefined, {}, 'x.extra')).toBe('');
  });
});
