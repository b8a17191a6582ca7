export * from './model.ts';
export * from './template/index.ts';
