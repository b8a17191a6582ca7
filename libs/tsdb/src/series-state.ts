// What the store keeps in memory per series: its open head chunk (in-order samples of
// the current window), its buffer of out-of-order samples, and the watermarks that say
// which write-ahead rows are already sealed for it.

import type { Labels } from '@metrics-hub/wire';
import type { SeriesKind } from './rollup-codec.ts';
import { SampleBuffer } from './sample-buffer.ts';

export class SeriesState {
  readonly head = new SampleBuffer(32);
  /** End of the chunk window the head's samples fall in. */
  headWindowEnd = -Infinity;
  /** Write-ahead row of the head's oldest sample: rows before it can be truncated. */
  headFirstSeq = 0;
  readonly ooo = new SampleBuffer(4);
  oooFirstSeq = 0;
  /** Counter or gauge, worked out on first need (metadata can change it). */
  kind: SeriesKind | undefined;
  /**
   * The newest write-ahead row holding samples of this series: retention keeps the series
   * until that row is truncated, so that replay never meets a row naming a series gone.
   */
  lastSeq = 0;

  constructor(
    readonly id: number,
    readonly labels: Labels,
    /** Every in-order sample at or before this time is in a sealed chunk. */
    public sealedMaxT: number,
    /** Every out-of-order sample from write-ahead rows up to this one is sealed. */
    public oooSealedSeq: number,
  ) {}

  /** The newest in-order timestamp: later samples append, earlier ones are out of order. */
  get maxT(): number {
    return this.head.length ? this.head.lastT : this.sealedMaxT;
  }

  /** The oldest write-ahead row this series still needs. */
  get pinnedSeq(): number {
    let seq = Infinity;
    if (this.head.length) seq = this.headFirstSeq;
    if (this.ooo.length && this.oooFirstSeq < seq) seq = this.oooFirstSeq;
    return seq;
  }
}
