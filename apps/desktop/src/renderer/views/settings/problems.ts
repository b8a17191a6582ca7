// A refused save's problems as list items: the hub names each one (HubRequestError with
// `body.problems`, e.g. a config's line); anything else is one item, its message.

import { HubRequestError } from '../../../common/transport.ts';
import { h } from '../../shell/view.ts';

export function listProblems(list: HTMLElement, e: Error): void {
  const problems = e instanceof HubRequestError ? (e.body as { problems?: string[] } | undefined)?.problems : undefined;
  for (const p of problems ?? [e.message]) list.append(h('li', { text: p }));
}
