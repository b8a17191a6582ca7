// Whether an archive member name may be extracted: relative, forward slashes, no '..' or
// '.' segments, no drive letters. A restore must never write outside the folder it fills,
// whatever the archive says (the "zip slip" class of bug).

export function memberNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.includes('\u0000')) return 'the name contains a NUL byte';
  if (name.includes('\\')) return 'the name contains a backslash';
  if (name.startsWith('/')) return 'the name is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'the name starts with a drive letter';
  const segments = name.replace(/\/$/, '').split('/');
  for (const s of segments) {
    if (s === '..') return "the name contains '..'";
    if (s === '.' || s === '') return 'the name has an empty or "." segment';
  }
  return undefined;
}
