// Templates as Prometheus (alert annotations) and Alertmanager (notification texts) use
// them: their function sets and data, registered into @metrics-hub/go-template's engine.

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
