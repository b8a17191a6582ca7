export * from './model.ts';
export * from './receivers/index.ts';
