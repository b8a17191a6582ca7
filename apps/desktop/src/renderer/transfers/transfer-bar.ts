// The progress bar a view shows while a file moves: what is moving, a bar (a percentage
// when the size is known, a moving bar when the hub did not say), the bytes, and a Cancel
// button that aborts the transfer for real. Tests read data-state and data-bytes.

import { HubRequestError } from '../../common/transport.ts';
import { formatValue } from '../charts/format.ts';
import { h } from '../shell/view.ts';
import { TransferCancelledError, type ProgressListener, type SavedFile } from './file-transfers.ts';

export type TransferState = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface TransferBar {
  el: HTMLElement;
  readonly running: boolean;
  /**
   * Runs one transfer with the bar showing its progress; Cancel aborts the signal given
   * to `work`. Settles as `work` does. The bar hides again when it ends.
   */
  run<T>(label: string, work: (onProgress: ProgressListener, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Aborts the running transfer, if any (a view calls it when it is left). */
  cancel(): void;
}

export function createTransferBar(): TransferBar {
  const label = h('span', { class: 'transfer-label' });
  const bar = h('progress', { class: 'transfer-progress' });
  const bytes = h('span', { class: 'transfer-bytes muted' });
  const cancel = h('button', { type: 'button', class: 'transfer-cancel', text: 'Cancel' });
  const el = h(
    'div',
    { class: 'transfer row', role: 'status', 'aria-live': 'polite', hidden: true, 'data-state': 'idle' },
    label,
    bar,
    bytes,
    cancel,
  );
  let controller: AbortController | undefined;
  cancel.addEventListener('click', () => controller?.abort());

  const show = (n: number, total: number | null) => {
    el.dataset.bytes = String(n);
    el.dataset.total = total === null ? '' : String(total);
    if (total !== null && total > 0) {
      bar.max = total;
      bar.value = Math.min(n, total);
      bytes.textContent = `${formatValue(n, 'bytes')} of ${formatValue(total, 'bytes')} (${Math.floor((Math.min(n, total) / total) * 100)}%)`;
    } else {
      // No size from the hub: an indeterminate bar and the count so far.
      bar.removeAttribute('value');
      bytes.textContent = `${formatValue(n, 'bytes')} so far`;
    }
  };

  return {
    el,
    get running() {
      return controller !== undefined;
    },
    async run(text, work) {
      if (controller) throw new Error('a transfer is running here already: wait for it or cancel it');
      const c = new AbortController();
      controller = c;
      label.textContent = text;
      cancel.disabled = false;
      el.hidden = false;
      el.dataset.state = 'running';
      show(0, null);
      try {
        const result = await work((n, total) => {
          if (controller === c) show(n, total);
        }, c.signal);
        el.dataset.state = 'done';
        return result;
      } catch (e) {
        el.dataset.state = e instanceof TransferCancelledError ? 'cancelled' : 'failed';
        throw e;
      } finally {
        controller = undefined;
        el.hidden = true;
      }
    },
    cancel() {
      controller?.abort();
    },
  };
}

/** What to tell the user after a save: where it went, or that nothing was saved. */
export function savedText(what: string, saved: SavedFile | null, savesTo: 'downloads' | 'chosen-place'): string {
  if (!saved) return `${what}: not saved (the save dialog was closed).`;
  const size = formatValue(saved.bytes, 'bytes');
  return savesTo === 'downloads'
    ? `${what}: ${saved.where} (${size}) is in your browser's downloads.`
    : `${what}: saved ${saved.where} (${size}).`;
}

/** What to tell the user after a transfer failed or was cancelled. */
export function failedText(what: string, e: unknown): string {
  if (e instanceof TransferCancelledError) return `${what}: cancelled; nothing was saved or imported.`;
  if (e instanceof HubRequestError && e.status) return `${what} failed: the hub said ${e.message}`;
  return `${what} failed: ${(e as Error).message}`;
}
