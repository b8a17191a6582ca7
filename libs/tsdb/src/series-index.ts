// The in-memory inverted index: label name -> value -> ascending series ids. It is built
// from the `series` table at open (the file does not store it twice), so that a selection
// by matchers touches only the postings it needs and never the samples.

import { compileMatcher, labelsKey, type CompiledMatcher, type LabelMatcher, type Labels } from '@metrics-hub/wire';
import { intersect, subtract, unionAll } from './postings.ts';

export class SeriesIndex {
  private readonly idByKey = new Map<string, number>();
  private readonly labelsById = new Map<number, Labels>();
  private readonly postings = new Map<string, Map<string, number[]>>();
  private allIds: number[] = [];

  get size(): number {
    return this.labelsById.size;
  }

  idOf(labels: Labels): number | undefined {
    return this.idByKey.get(labelsKey(labels));
  }

  idOfKey(key: string): number | undefined {
    return this.idByKey.get(key);
  }

  labelsOf(id: number): Labels | undefined {
    return this.labelsById.get(id);
  }

  /** Ids must be added in ascending order (they are SQLite rowids handed out in order). */
  add(id: number, labels: Labels, key = labelsKey(labels)): void {
    this.idByKey.set(key, id);
    this.labelsById.set(id, labels);
    this.allIds.push(id);
    for (const name in labels) {
      let values = this.postings.get(name);
      if (!values) this.postings.set(name, (values = new Map()));
      const list = values.get(labels[name]);
      if (list) list.push(id);
      else values.set(labels[name], [id]);
    }
  }

  remove(ids: readonly number[]): void {
    if (ids.length === 0) return;
    const gone = [...ids].sort((a, b) => a - b);
    for (const id of gone) {
      const labels = this.labelsById.get(id);
      if (!labels) continue;
      this.labelsById.delete(id);
      this.idByKey.delete(labelsKey(labels));
      for (const name in labels) {
        const values = this.postings.get(name)!;
        const rest = values.get(labels[name])!.filter((x) => x !== id);
        if (rest.length) values.set(labels[name], rest);
        else values.delete(labels[name]);
        if (values.size === 0) this.postings.delete(name);
      }
    }
    this.allIds = subtract(this.allIds, gone);
  }

  /** How many series carry `name="value"` (for per-label cardinality limits). */
  countWith(name: string, value: string): number {
    return this.postings.get(name)?.get(value)?.length ?? 0;
  }

  /** Ascending ids of the series that every matcher accepts. */
  select(matchers: readonly LabelMatcher[]): number[] {
    const compiled = matchers.map(compileMatcher);
    const narrowing = compiled.filter((m) => !m.matchesEmpty);
    const widening = compiled.filter((m) => m.matchesEmpty);
    let ids: number[] | undefined;
    for (const m of narrowing) {
      const hits = this.postingsMatching(m, true);
      ids = ids ? intersect(ids, hits) : hits;
      if (ids.length === 0) return ids;
    }
    ids ??= this.allIds.slice();
    // A matcher that accepts '' keeps series without the label: drop only those whose
    // value it rejects.
    for (const m of widening) {
      const rejected = this.postingsMatching(m, false);
      if (rejected.length) ids = subtract(ids, rejected);
    }
    return ids;
  }

  labelNames(ids?: readonly number[]): string[] {
    if (!ids) return [...this.postings.keys()].sort();
    const names = new Set<string>();
    for (const id of ids) for (const name in this.labelsById.get(id)) names.add(name);
    return [...names].sort();
  }

  labelValues(name: string, ids?: readonly number[]): string[] {
    if (!ids) return [...(this.postings.get(name)?.keys() ?? [])].sort();
    const values = new Set<string>();
    for (const id of ids) {
      const v = this.labelsById.get(id)?.[name];
      if (v !== undefined) values.add(v);
    }
    return [...values].sort();
  }

  private postingsMatching(m: CompiledMatcher, accepted: boolean): number[] {
    const values = this.postings.get(m.name);
    if (!values) return [];
    if (accepted && m.literals) {
      return unionAll(m.literals.map((v) => values.get(v)).filter((l): l is number[] => l !== undefined));
    }
    const lists: number[][] = [];
    for (const [value, list] of values) if (m.matches(value) === accepted) lists.push(list);
    return unionAll(lists);
  }
}
