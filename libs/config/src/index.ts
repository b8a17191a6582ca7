export {
  ConfigError,
  openConfigDocument,
  readConfigText,
  convertValue,
  shownValue,
  type ConfigDocument,
  type ConfigSchema,
  type KeySpec,
  type Kind,
  type Converted,
} from './config-document.ts';
export { runCommandLine, type CommandLine } from './cli.ts';
