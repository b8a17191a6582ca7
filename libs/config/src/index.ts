export {
  ConfigError,
  openConfigDocument,
  readConfigText,
  convertValue,
  type ConfigDocument,
  type ConfigSchema,
  type KeySpec,
  type Kind,
} from './config-document.ts';
export { shownValue, invalidText, missingText, unknownKeyText, closest } from './messages.ts';
export {
  Reading,
  kind,
  text,
  bool,
  wholeNumber,
  anything,
  oneOf,
  object,
  list,
  mapOf,
  custom,
  lazy,
  transform,
  childPlace,
  readField,
  readYaml,
  readValue,
  type Place,
  type Present,
  type Problem,
  type Schema,
  type FieldSpec,
  type ObjectOf,
  type Converted,
} from './schema.ts';
export { parseYamlTree, nodeFromValue, lineAt, entryOf, isMapping, type ConfigNode, type ConfigEntry, type Path } from './yaml-tree.ts';
export { runCommandLine, type CommandLine } from './cli.ts';
