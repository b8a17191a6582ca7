// Go's text/template as Prometheus (alert annotations) and Alertmanager (notification
// texts) use it: parse, execute, their function sets, and Go's number formatting.

export { TemplateError, type TemplatePhase } from './errors.ts';
export { parseTemplate, Template, type ExecuteOptions, type ParseOptions } from './template.ts';
export type { FuncContext, MissingKey } from './exec.ts';
export type { TemplateFunction } from './signature.ts';
export {
  PROMETHEUS_FUNCS,
  prometheusFuncs,
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  Sample,
  QueryResult,
  type PrometheusFuncOptions,
  type QuerySample,
} from './prometheus-funcs.ts';
export { ALERTMANAGER_FUNCS, alertmanagerFuncs } from './alertmanager-funcs.ts';
export {
  AlertTemplateData,
  alertTemplateData,
  renderAlertTemplate,
  checkAlertTemplate,
  createRenderer,
  type AlertTemplateOptions,
  type RendererOptions,
} from './render.ts';
export { GoTime, GoDuration, UTC, type Zone } from './time.ts';
export { sprintf, sprint } from './fmt.ts';
export { formatFloat } from './format.ts';
export { anyMap, stringMap } from './values.ts';
