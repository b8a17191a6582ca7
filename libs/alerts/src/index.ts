export * from './model.ts';
export * from './template/index.ts';
export * from './rules/index.ts';
export * from './notify/index.ts';
export * from './receivers/index.ts';
/** The default rules for the agent's metrics, a file the hub copies for the user to edit. */
export const DEFAULT_RULES_FILE = new URL('../rules/default.rules.yml', import.meta.url);
