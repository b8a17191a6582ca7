// Which file each opened incident came from. The hub keeps the incident, not its file's
// name, and importing it later needs the file itself again: the chosen file is kept for
// this page's life, its name in localStorage (the last few), so a reload or another tab
// still says "from file …" and asks for the file only when importing.

import type { PickedFile } from '../transfers/file-transfers.ts';

const files = new Map<string, PickedFile>();
const KEY = 'metrics-hub:incident-files';
/** The hub keeps 5 opened incidents; a few more names cover its restarts. */
const MAX_NAMES = 20;

export function rememberOpened(id: string, file: PickedFile): void {
  files.set(id, file);
  try {
    const kept = Object.entries({ ...names(), [id]: file.name }).slice(-MAX_NAMES);
    localStorage.setItem(KEY, JSON.stringify(Object.fromEntries(kept)));
  } catch {
    // No storage (a locked-down browser): the name lasts until a reload.
  }
}

/** The chosen file, while this page lives. */
export function openedFile(id: string): PickedFile | undefined {
  return files.get(id);
}

export function openedFileName(id: string): string | undefined {
  return files.get(id)?.name ?? names()[id];
}

function names(): Record<string, string> {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '{}') as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}
