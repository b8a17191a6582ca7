// Every line the hub logs goes through `escapingLog`: a log line is one line, whatever
// the text in it came from. Agent ids, MQTT user names, HTTP paths, file contents and error
// messages can carry a newline (a forged next line), a carriage return or ANSI escapes
// (that rewrite the terminal showing the log); each control character is written as an
// escape instead (\n, \r, \t, \x1b as \u001b), so what is logged is what was received.

// C0 controls, DEL, C1 controls, and the two Unicode line separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character written as an escape. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A log function that escapes control characters before `sink` sees the line. */
export function escapingLog(sink: (line: string) => void): (line: string) => void {
  return (line) => sink(escapeControlCharacters(String(line)));
}
