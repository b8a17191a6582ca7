// The two text formats and content negotiation.

/** `prometheus`: the text format 0.0.4 (`text/plain; version=0.0.4`); `openmetrics`: OpenMetrics 1.0 text. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/** Content-Type of each format as a scrape response declares it. */
export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

/**
 * The format of a response from its Content-Type header value: OpenMetrics for
 * `application/openmetrics-text` (any version, parameters and case), the Prometheus text
 * format for everything else, since a scraper falls back to it for a missing or unknown
 * type (`text/plain`, no header, protobuf it cannot read).
 */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat {
  if (!contentType) return 'prometheus';
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return media === 'application/openmetrics-text' ? 'openmetrics' : 'prometheus';
}
