// The wording every config file shares, after "file:line: ": a bad value is
// "<key> <what is wrong> (got <value>): <how to fix it>", a missing one
// "<key> is required: <how to fix it>", an unknown key names the key it most likely meant.
// Values of secrets (and whole mappings and lists, which may hold them) are never shown.

/** Key names whose values are credentials (or hold them, like headers and URLs with a user:password). */
const SECRET_NAME = /pass|token|secret|credential|auth|header|cookie|key|url/i;

/**
 * What a message may say a bad value was: scalars of ordinary keys as written; nothing of
 * a secret key's value, nor of a mapping or list (a `headers:` mapping holds credentials).
 */
export function shownValue(raw: unknown, spec: { secret?: boolean }, label: string): string {
  if (raw === undefined) return '';
  // Only the key path is looked at: a rule or receiver named "monkey" keeps its values visible.
  const keys = label.slice(label.lastIndexOf(': ') + 1);
  if (spec.secret || SECRET_NAME.test(keys)) return ' (its value not shown: it may be a secret)';
  if (typeof raw === 'object' && raw !== null) return Array.isArray(raw) ? ' (got a list)' : ' (got a mapping)';
  return ` (got ${JSON.stringify(raw)})`;
}

/** `http.timeout must be a duration like 10s (got "soon"): query timeout, e.g. 2m`. */
export function invalidText(label: string, what: string, raw: unknown, spec: { help?: string; secret?: boolean } = {}): string {
  return `${label} ${what}${shownValue(raw, spec, label)}${spec.help ? `: ${spec.help}` : ''}`;
}

/** `scrape target #1 job is required: job label of the target`. */
export function missingText(label: string, spec: { help?: string } = {}): string {
  return `${label} is required${spec.help ? `: ${spec.help}` : ''}`;
}

/**
 * `unknown key "http.listn": did you mean "listen"? Known keys are listen, timeout`;
 * under a named thing, `unknown key "lables" in group "g": ...`.
 */
export function unknownKeyText(key: string, known: readonly string[], parent: { label: string; named?: boolean }, noun = 'key'): string {
  const written = parent.label === '' || parent.named ? key : `${parent.label}.${key}`;
  const where = parent.named ? ` in ${parent.label}` : '';
  const guess = closest(key, known);
  const list = `${noun === 'key' ? 'known keys are' : 'use one of'} ${known.join(', ') || '(none)'}`;
  return `unknown ${noun} ${JSON.stringify(written)}${where}: ${guess ? `did you mean ${JSON.stringify(guess)}? ${capitalize(list)}` : list}`;
}

/** The candidate `word` is a likely typo of: same letters in another case, or at most a few edits away. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const budget = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > budget) continue;
    const d = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (d <= budget && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Insertions, deletions, substitutions and swaps of neighbours (Damerau-Levenshtein, optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
