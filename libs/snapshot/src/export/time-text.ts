// Timestamps as the export formats spell them. All take integer milliseconds.

/** RFC 3339 in UTC with milliseconds: 2024-01-01T00:00:00.000Z (what spreadsheets and pandas parse). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
