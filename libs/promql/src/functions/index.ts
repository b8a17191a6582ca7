// The PromQL function library: pure float math the evaluator calls per series and step.

export * from './aggregation-math.ts';
export * from './annotations.ts';
export * from './civil-time.ts';
export * from './histogram-quantile.ts';
export * from './instant-functions.ts';
export * from './linear-regression.ts';
export * from './range-functions.ts';
