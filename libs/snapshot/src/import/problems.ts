// The import's problem list: every problem counted, the first `max` kept with their lines.

import type { ImportRejection } from './types.ts';

export class Problems {
  readonly list: ImportRejection[] = [];
  count = 0;

  constructor(private readonly max: number) {}

  add(line: number | undefined, reason: string): void {
    this.count++;
    if (this.list.length < this.max) this.list.push(line === undefined ? { reason } : { line, reason });
  }
}
