// Rendering as the rest of alerting uses it: alert annotation templates as Prometheus
// expands them (its data, the $labels/$externalLabels/$externalURL/$value preamble, the
// "<error expanding template: ...>" text in place of a broken annotation), and a
// TemplateRenderer that keeps parsed templates, since the same few annotation and
// notification texts are rendered over and over.

import { stringMap } from '@metrics-hub/go-format';
import { parseTemplate, TemplateError, type MissingKey, type Template, type TemplateFunction } from '@metrics-hub/go-template';
import type { Labels, TemplateRenderer } from '../model.ts';
import { PROMETHEUS_FUNCS, prometheusFuncs, type QuerySample } from './prometheus-funcs.ts';

/** The data of an alert rule's templates (Prometheus's AlertTemplateData); a struct to templates. */
export class AlertTemplateData {
  static readonly goTypeName =
    'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }';

  constructor(
    readonly Labels: Record<string, string>,
    readonly ExternalLabels: Record<string, string>,
    readonly ExternalURL: string,
    readonly Value: number,
  ) {}
}

export function alertTemplateData(labels: Labels, value: number, externalLabels: Labels = {}, externalURL = ''): AlertTemplateData {
  return new AlertTemplateData(stringMap({ ...labels }), stringMap({ ...externalLabels }), externalURL, value);
}

/**
 * What Prometheus prepends to every alert template ({{$labels := .Labels}}...): declared
 * here as variables instead, so that positions in errors count from the user's own text.
 */
const ALERT_VARIABLES = ['$labels', '$externalLabels', '$externalURL', '$value'];

/** The hint when a template without that preamble (a notification text) uses one of its variables. */
const ALERT_VARIABLE_HINTS: Readonly<Record<string, string>> = {
  $labels: '$labels exists only in alert rule templates; elsewhere use .Labels',
  $value: '$value exists only in alert rule templates; elsewhere use .Value',
  $externalLabels: '$externalLabels exists only in alert rule templates; elsewhere use .ExternalLabels',
  $externalURL: '$externalURL exists only in alert rule templates; elsewhere use .ExternalURL',
};

function alertVariables(d: AlertTemplateData): Record<string, unknown> {
  return { $labels: d.Labels, $externalLabels: d.ExternalLabels, $externalURL: d.ExternalURL, $value: d.Value };
}

/** A map that forgets the least recently used entry beyond its size. */
class LruCache<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    this.entries.set(key, v);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
  }
}

type Parsed = Template | TemplateError;

function parseCached(cache: LruCache<Parsed>, key: string, parse: () => Template): Template {
  let entry = cache.get(key);
  if (!entry) {
    try {
      entry = parse();
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      entry = e;
    }
    cache.set(key, entry);
  }
  if (entry instanceof TemplateError) throw entry;
  return entry;
}

export interface AlertTemplateOptions {
  externalLabels?: Labels | undefined;
  externalURL?: string | undefined;
  /** The rule's name; the template is called "__alert_<name>" in errors, as in Prometheus. */
  ruleName?: string | undefined;
  /** Instant queries for the `query` function. */
  query?: ((expr: string) => readonly QuerySample[]) | undefined;
  /** Functions besides (or replacing) Prometheus's. */
  funcs?: Readonly<Record<string, TemplateFunction>> | undefined;
}

const alertCache = new LruCache<Parsed>(1000);

/**
 * Expands an alert rule's annotation or label template as Prometheus does. A template that
 * fails yields Prometheus's error text instead of throwing, so that the alert still fires
 * and shows what is wrong: "<error expanding template: error executing template __alert_X: ...>".
 */
export function renderAlertTemplate(text: string, labels: Labels, value: number, options: AlertTemplateOptions = {}): string {
  const data = alertTemplateData(labels, value, options.externalLabels, options.externalURL);
  const name = `__alert_${options.ruleName ?? ''}`;
  const funcs = { ...prometheusFuncs({ query: options.query, externalURL: options.externalURL }), ...options.funcs };
  try {
    const parse = () => parseTemplate(text, name, { funcs, variables: ALERT_VARIABLES, variableHints: ALERT_VARIABLE_HINTS });
    const template = options.funcs ? parse() : parseCached(alertCache, `${name}\0${text}`, parse);
    return template.execute(data, funcs, { variables: alertVariables(data) });
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const stage = e.phase === 'parse' ? 'parsing' : 'executing';
    return `<error expanding template: error ${stage} template ${name}: ${e.message}>`;
  }
}

export interface RendererOptions {
  /** Definitions the rendered texts may call with {{template}} (Alertmanager's template files). */
  library?: Template | undefined;
  missingKey?: MissingKey | undefined;
  /** Parsed templates kept; 500 unless set. */
  cacheSize?: number | undefined;
  /** Name the rendered texts have in errors; "template" unless set. */
  name?: string | undefined;
}

/**
 * A TemplateRenderer over `funcs` (Prometheus's unless given; pass ALERTMANAGER_FUNCS for
 * notification texts). Parsed templates are cached by their text. Data made by
 * alertTemplateData also gets Prometheus's $labels, $externalLabels, $externalURL and
 * $value. Throws TemplateError when a text does not parse or execute.
 */
export function createRenderer(
  funcs: Readonly<Record<string, TemplateFunction>> = PROMETHEUS_FUNCS,
  options: RendererOptions = {},
): TemplateRenderer {
  const cache = new LruCache<Parsed>(options.cacheSize ?? 500);
  const name = options.name ?? 'template';
  return (text: string, data: unknown): string => {
    const alert = data instanceof AlertTemplateData;
    const template = parseCached(cache, `${alert ? 'alert' : 'plain'}\0${text}`, () =>
      parseTemplate(text, name, {
        funcs,
        library: options.library,
        variables: alert ? ALERT_VARIABLES : undefined,
        variableHints: ALERT_VARIABLE_HINTS,
      }),
    );
    return template.execute(data, undefined, { missingKey: options.missingKey, variables: alert ? alertVariables(data) : undefined });
  };
}

/** Why an alert template (an annotation, a templated label) does not parse, or undefined. */
export function checkAlertTemplate(text: string): string | undefined {
  try {
    parseTemplate(text, '__alert', { funcs: PROMETHEUS_FUNCS, variables: ALERT_VARIABLES, variableHints: ALERT_VARIABLE_HINTS });
    return undefined;
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
}
