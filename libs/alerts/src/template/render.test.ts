// Alert annotation templates as Prometheus expands them (its documented examples), the
// cached TemplateRenderer, and Alertmanager-style notification templates built from
// {{define}}d pieces over data with methods (.Alerts.Firing, .CommonLabels.SortedPairs).

import { describe, expect, it } from 'vitest';
import { GoTime } from '@metrics-hub/go-format';
import { TemplateError, parseTemplate } from '@metrics-hub/go-template';
import type { TemplateRenderer } from '../model.ts';
import {
  ALERTMANAGER_FUNCS,
  AlertTemplateData,
  alertTemplateData,
  alertmanagerFuncs,
  createRenderer,
  renderAlertTemplate,
} from './index.ts';

const labels = { alertname: 'InstanceDown', instance: 'web-1:9100', job: 'node', severity: 'page' };

describe('alert templates (Prometheus)', () => {
  it("the alerting rules documentation's examples", () => {
    expect(renderAlertTemplate('Instance {{ $labels.instance }} down', labels, 0)).toBe('Instance web-1:9100 down');
    expect(renderAlertTemplate('{{ $labels.instance }} of job {{ $labels.job }} has been down for more than 5 minutes.', labels, 0)).toBe(
      'web-1:9100 of job node has been down for more than 5 minutes.',
    );
    expect(
      renderAlertTemplate('{{ $labels.instance }} has a median request latency above 1s (current value: {{ $value }}s)', labels, 1.2345),
    ).toBe('web-1:9100 has a median request latency above 1s (current value: 1.2345s)');
  });

  it('formats $value as Go does', () => {
    const values = [1e6, 0.1, 1.5e-7, 123456.789, 1234567, 42, NaN, -Infinity];
    expect(values.map((v) => renderAlertTemplate('{{ $value }}', {}, v))).toEqual([
      '1e+06',
      '0.1',
      '1.5e-07',
      '123456.789',
      '1.234567e+06',
      '42',
      'NaN',
      '-Inf',
    ]);
    expect(renderAlertTemplate('{{ $value | humanizePercentage }} / {{ printf "%.2f" $value }} / {{ humanize $value }}', {}, 0.98765)).toBe(
      '98.77% / 0.99 / 987.6m',
    );
  });

  it('gives .Labels, .Value, .ExternalLabels and .ExternalURL too', () => {
    const text = '{{ .Labels.job }} {{ .Value }} {{ $externalLabels.cluster }} {{ .ExternalLabels.cluster }} {{ $externalURL }}';
    expect(renderAlertTemplate(text, labels, 3, { externalLabels: { cluster: 'eu-1' }, externalURL: 'http://prom:9090' })).toBe(
      'node 3 eu-1 eu-1 http://prom:9090',
    );
  });

  it('missing labels are empty, not <no value>', () => {
    expect(renderAlertTemplate('[{{ $labels.nope }}][{{ index $labels "nope" }}][{{ .Labels.nope }}]', labels, 1)).toBe('[][][]');
  });

  it('range over the labels in sorted order, and with', () => {
    expect(renderAlertTemplate('{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}', labels, 1)).toBe(
      'alertname=InstanceDown instance=web-1:9100 job=node severity=page ',
    );
    expect(renderAlertTemplate('{{ with $labels.team }}team {{ . }}{{ else }}no team{{ end }}', labels, 1)).toBe('no team');
    expect(renderAlertTemplate('{{ if gt $value 80.0 }}high{{ else }}ok{{ end }}', labels, 93.5)).toBe('high');
  });

  it('the query idiom with an injected engine', () => {
    const query = (expr: string) => (expr === 'up' ? [{ labels: { instance: 'web-1:9100' }, value: 0 }] : []);
    expect(renderAlertTemplate('{{ with query "up" }}{{ . | first | value }}{{ end }}', labels, 1, { query })).toBe('0');
  });

  it("a broken template becomes Prometheus's error text", () => {
    expect(renderAlertTemplate('{{ $value | humanise }}', labels, 1, { ruleName: 'HighErrors' })).toBe(
      '<error expanding template: error parsing template __alert_HighErrors: template: __alert_HighErrors:1:13: function "humanise" not defined (did you mean "humanize"?)>',
    );
    expect(renderAlertTemplate('{{ humanize "abc" }}', labels, 1, { ruleName: 'HighErrors' })).toBe(
      '<error expanding template: error executing template __alert_HighErrors: template: __alert_HighErrors:1:4: executing "__alert_HighErrors" at <humanize "abc">: error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax>',
    );
    expect(renderAlertTemplate('{{ if gt $value 10 }}x{{ end }}', labels, 1)).toMatch(
      /^<error expanding template: error executing template __alert_: .*error calling gt: incompatible types for comparison \(.*10\.0.*\)>$/,
    );
    expect(renderAlertTemplate('{{ .Nope }}', labels, 1)).toContain("can't evaluate field Nope in type struct { Labels map[string]string;");
  });

  it('alertTemplateData is the struct Prometheus passes', () => {
    const d = alertTemplateData({ a: 'b' }, 2, { c: 'd' }, 'http://x');
    expect(d).toBeInstanceOf(AlertTemplateData);
    expect([d.Labels, d.Value, d.ExternalLabels, d.ExternalURL]).toEqual([{ a: 'b' }, 2, { c: 'd' }, 'http://x']);
  });
});

describe('createRenderer', () => {
  it('is a TemplateRenderer; alert data gets the $labels preamble', () => {
    const render: TemplateRenderer = createRenderer();
    expect(render('{{ $labels.job }}: {{ $value | humanize }}', alertTemplateData(labels, 1500))).toBe('node: 1.5k');
    expect(render('{{ .job }}', { job: 'plain' })).toBe('plain');
  });

  it('throws TemplateError with the position; the cache keeps failures too', () => {
    const render = createRenderer();
    for (let i = 0; i < 2; i++) {
      try {
        render('ok {{ $labels.job }}', { job: 'x' });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(TemplateError);
        expect([(e as TemplateError).line, (e as TemplateError).column]).toEqual([1, 7]);
      }
    }
  });

  it('a text without the alert preamble that uses $labels is told where the labels are', () => {
    let e: unknown;
    try {
      createRenderer()('{{ $labels.job }}', {});
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(TemplateError);
    expect((e as TemplateError).hint).toBe('$labels exists only in alert rule templates; elsewhere use .Labels');
  });

  it('serves the same text again without parsing it again', () => {
    const render = createRenderer({ ...ALERTMANAGER_FUNCS }, { cacheSize: 2 });
    const a = render('{{ .x | toUpper }}', { x: 'a' });
    const b = render('{{ .x | toUpper }}', { x: 'b' });
    render('{{ 1 }}', null);
    render('{{ 2 }}', null);
    expect([a, b, render('{{ .x | toUpper }}', { x: 'c' })]).toEqual(['A', 'B', 'C']);
  });
});

// Alertmanager's template data: KV is a map[string]string with methods, Alerts a slice with methods.
class Pair {
  constructor(
    readonly Name: string,
    readonly Value: string,
  ) {}
}
class Pairs extends Array<Pair> {
  Names(): string[] {
    return this.map((p) => p.Name);
  }
  Values(): string[] {
    return this.map((p) => p.Value);
  }
}
class KV extends Map<string, string> {
  SortedPairs(): Pairs {
    const keys = [...this.keys()].sort();
    const i = keys.indexOf('alertname');
    if (i > 0) keys.unshift(...keys.splice(i, 1));
    return Pairs.from(keys, (k) => new Pair(k, this.get(k)!)) as Pairs;
  }
  Names(): string[] {
    return [...this.SortedPairs().Names()];
  }
  Values(): string[] {
    return [...this.SortedPairs().Values()];
  }
  Remove(keys: string[]): KV {
    return new KV([...this].filter(([k]) => !keys.includes(k)));
  }
}
class Alert {
  constructor(
    readonly Status: string,
    readonly Labels: KV,
    readonly Annotations: KV,
    readonly StartsAt: GoTime,
    readonly EndsAt: GoTime,
    readonly GeneratorURL: string,
  ) {}
}
class Alerts extends Array<Alert> {
  Firing(): Alert[] {
    return this.filter((a) => a.Status === 'firing');
  }
  Resolved(): Alert[] {
    return this.filter((a) => a.Status === 'resolved');
  }
}

const kv = (o: Record<string, string>) => new KV(Object.entries(o));
const started = GoTime.fromMillis(Date.UTC(2024, 2, 1, 12, 30, 5, 250));
const notification = {
  Receiver: 'ops',
  Status: 'firing',
  Alerts: Alerts.from([
    new Alert(
      'firing',
      kv({ alertname: 'DiskFull', instance: 'db-1', job: 'node' }),
      kv({ summary: 'disk 95% full' }),
      started,
      GoTime.zero,
      'http://prom/g1',
    ),
    new Alert('resolved', kv({ alertname: 'DiskFull', instance: 'db-2', job: 'node' }), kv({}), started, started, 'http://prom/g2'),
  ]) as Alerts,
  GroupLabels: kv({ alertname: 'DiskFull' }),
  CommonLabels: kv({ alertname: 'DiskFull', job: 'node' }),
  CommonAnnotations: kv({}),
  ExternalURL: 'http://am:9093',
};

// Alertmanager's default.tmpl pieces, verbatim.
const DEFAULT_TMPL = `{{ define "__alertmanager" }}AlertManager{{ end }}
{{ define "__alertmanagerURL" }}{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver }}{{ end }}
{{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}
{{ define "__text_alert_list" }}{{ range . }}Labels:
{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}
{{ define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "opsgenie.default.description" }}{{ .CommonAnnotations.SortedPairs.Values | join " " }}
{{ if gt (len .Alerts.Firing) 0 -}}
Alerts Firing:
{{ template "__text_alert_list" .Alerts.Firing }}
{{- end }}
{{ if gt (len .Alerts.Resolved) 0 -}}
Alerts Resolved:
{{ template "__text_alert_list" .Alerts.Resolved }}
{{- end }}
{{- end }}`;

describe('Alertmanager notification templates', () => {
  const library = parseTemplate(DEFAULT_TMPL, 'default.tmpl', { funcs: ALERTMANAGER_FUNCS });

  it("default.tmpl's subject and links", () => {
    expect(library.executeTemplate('slack.default.title', notification)).toBe('[FIRING:1] DiskFull (node)');
    expect(library.executeTemplate('slack.default.titlelink', notification)).toBe('http://am:9093/#/alerts?receiver=ops');
  });

  it("default.tmpl's alert list with trimmed whitespace", () => {
    expect(library.executeTemplate('opsgenie.default.description', notification)).toBe(
      '\nAlerts Firing:\nLabels:\n - alertname = DiskFull\n - instance = db-1\n - job = node\nAnnotations:\n - summary = disk 95% full\nSource: http://prom/g1\n\n' +
        'Alerts Resolved:\nLabels:\n - alertname = DiskFull\n - instance = db-2\n - job = node\nAnnotations:\nSource: http://prom/g2\n',
    );
  });

  it('a receiver text that calls the library, as ExecuteTextString does', () => {
    const render = createRenderer(ALERTMANAGER_FUNCS, { library });
    expect(render('{{ template "slack.default.title" . }} | {{ range .Alerts.Firing }}{{ .Labels.instance }}{{ end }}', notification)).toBe(
      '[FIRING:1] DiskFull (node) | db-1',
    );
    expect(render('{{ define "custom" }}<{{ .Receiver }}>{{ end }}{{ template "custom" . }}', notification)).toBe('<ops>');
  });

  it('the documented custom title with and/or/eq/len', () => {
    const text = `{{ define "__single_message_title" }}{{ range .Alerts.Firing }}{{ .Labels.alertname }} @ {{ .Labels.instance }}{{ end }}{{ range .Alerts.Resolved }}{{ .Labels.alertname }} @ {{ .Labels.instance }}{{ end }}{{ end }}
{{- define "custom_title" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ if or (and (eq (len .Alerts.Firing) 1) (eq (len .Alerts.Resolved) 0)) (and (eq (len .Alerts.Firing) 0) (eq (len .Alerts.Resolved) 1)) }}{{ template "__single_message_title" . }}{{ else }}{{ len .Alerts }} alerts{{ end }}{{ end }}`;
    const t = parseTemplate(text, 'custom.tmpl', { funcs: ALERTMANAGER_FUNCS });
    expect(t.executeTemplate('custom_title', notification)).toBe('[FIRING:1] 2 alerts');
    const one = { ...notification, Alerts: Alerts.from([notification.Alerts[0]]) as Alerts };
    expect(t.executeTemplate('custom_title', one)).toBe('[FIRING:1] DiskFull @ db-1');
  });

  it('times: .StartsAt, .Format, date, tz, since, humanizeDuration', () => {
    const funcs = alertmanagerFuncs(() => Date.UTC(2024, 2, 1, 14, 0, 0));
    const text =
      '{{ range .Alerts }}{{ .StartsAt }}|{{ .EndsAt }}|{{ .StartsAt.Format "Jan 2 15:04:05.000" }}|' +
      '{{ date "2006-01-02T15:04:05Z07:00" .StartsAt }}|{{ (tz "UTC" .StartsAt).Format "3:04PM MST" }}|{{ since .StartsAt }}\n{{ end }}' +
      '{{ (tz "America/New_York" (index .Alerts 0).StartsAt).Format "15:04 -07:00 MST" }} {{ humanizeDuration 5400 }}';
    expect(parseTemplate(text, 'times', { funcs }).execute(notification)).toBe(
      '2024-03-01 12:30:05.25 +0000 UTC|0001-01-01 00:00:00 +0000 UTC|Mar 1 12:30:05.250|2024-03-01T12:30:05Z|12:30PM UTC|1h29m54.75s\n' +
        '2024-03-01 12:30:05.25 +0000 UTC|2024-03-01 12:30:05.25 +0000 UTC|Mar 1 12:30:05.250|2024-03-01T12:30:05Z|12:30PM UTC|1h29m54.75s\n' +
        '07:30 -05:00 EST 1h 30m 0s',
    );
  });

  it('strings and JSON', () => {
    const text =
      '{{ title "hELLO wORLD" }}|{{ trimSpace "  x \\n" }}|{{ stringSlice "a" "b" | join "," }}|{{ urlUnescape "a%20b+c" }}|{{ toJson .CommonLabels }}|{{ toJson (stringSlice "<x>") }}';
    expect(parseTemplate(text, 'strings', { funcs: ALERTMANAGER_FUNCS }).execute(notification)).toBe(
      'Hello World|x|a,b|a b c|{"alertname":"DiskFull","job":"node"}|["\\u003cx\\u003e"]',
    );
  });
});
