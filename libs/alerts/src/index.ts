export * from './model.ts';
export * from './rules/index.ts';
