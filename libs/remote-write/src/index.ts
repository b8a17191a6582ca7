// Prometheus remote write (see README.md).
export {};
