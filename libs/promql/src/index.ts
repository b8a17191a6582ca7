// PromQL engine: parse and evaluate (issue 3).
export {};
