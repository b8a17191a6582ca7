export * from './model.ts';
export * from './notify/index.ts';
