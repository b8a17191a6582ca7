import { describe, expect, it } from 'vitest';
import { HubSubscriptions } from './hub-subscriptions.ts';

describe('HubSubscriptions', () => {
  it('reserves a subscription once per owner and number', () => {
    const subs = new HubSubscriptions();
    expect(subs.reserve(1, 7)).toBe(true);
    expect(subs.reserve(1, 7)).toBe(false);
    expect(subs.reserve(2, 7)).toBe(true);
    expect(subs.has(1, 7)).toBe(true);
    expect(subs.has(1, 8)).toBe(false);
  });

  it('ends one subscription, and forgets one cancelled before its stream ran', () => {
    const subs = new HubSubscriptions();
    const ended: string[] = [];
    subs.reserve(1, 1);
    subs.attach(1, 1, () => ended.push('1:1'));
    subs.reserve(1, 2);
    subs.cancel(1, 1);
    subs.cancel(1, '2');
    expect(ended).toEqual(['1:1']);
    expect(subs.has(1, 2)).toBe(false);
    expect(subs.size).toBe(0);
  });

  it('ends everything of a window that went away, then everything at all', () => {
    const subs = new HubSubscriptions();
    const ended: string[] = [];
    for (const [owner, id] of [
      [1, 1],
      [1, 2],
      [11, 1],
      [2, 1],
    ]) {
      subs.reserve(owner, id);
      subs.attach(owner, id, () => ended.push(`${owner}:${id}`));
    }
    subs.cancelAllOf(1);
    expect(ended).toEqual(['1:1', '1:2']);
    subs.cancelAll();
    expect(ended).toEqual(['1:1', '1:2', '11:1', '2:1']);
    expect(subs.size).toBe(0);
  });
});
