export {
  parseRuleFile,
  RuleFileError,
  type RuleFile,
  type RuleGroup,
  type Rule,
  type AlertingRuleSpec,
  type RecordingRuleSpec,
} from './rule-file.ts';
export { AlertingRule, RESOLVED_RETENTION_MS, type ActiveAlert, type AlertState, type AlertTemplateExpander } from './alerting-rule.ts';
export { EvaluatedGroup, RecordingRule, type Appender } from './rule-group.ts';
export { RuleManager, RulesQueryError, type RuleManagerOptions, type RulesQuery } from './rule-manager.ts';
export { restoredActiveAt, type RestoreOptions } from './restore.ts';
export { AlertStateStore } from './state-store.ts';
