// Go's string functions that Prometheus and Alertmanager expose to templates, where Go and
// JavaScript disagree: case mapping rune by rune (strings.ToUpper keeps 'ß', JavaScript
// makes it "SS"), title case by word (golang.org/x/text/cases), TrimSpace's notion of
// space, and net.SplitHostPort for stripPort/stripDomain.

import { isIP } from 'node:net';

/** Maps each rune alone, keeping it when the mapping is not one rune (Go's simple case mapping). */
function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const m = f(ch);
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

export function toUpper(s: string): string {
  return mapRunes(s, (c) => c.toUpperCase());
}

export function toLower(s: string): string {
  return mapRunes(s, (c) => c.toLowerCase());
}

const words = new Intl.Segmenter('en', { granularity: 'word' });

/**
 * cases.Title: the first letter of each word (Unicode word boundaries, so "o'neil" and
 * "hello_world" are one word) in upper case; with `lowerRest` the others in lower case
 * (Alertmanager), without it untouched (Prometheus uses cases.NoLower).
 */
export function title(s: string, lowerRest: boolean): string {
  let out = '';
  for (const { segment, isWordLike } of words.segment(s)) {
    if (!isWordLike) {
      out += segment;
      continue;
    }
    const first = String.fromCodePoint(segment.codePointAt(0)!);
    const rest = segment.slice(first.length);
    out += toUpper(first) + (lowerRest ? toLower(rest) : rest);
  }
  return out;
}

const SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TRIM = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g');

/** strings.TrimSpace: Unicode white space only (JavaScript's trim also takes U+FEFF). */
export function trimSpace(s: string): string {
  return s.replace(TRIM, '');
}

/** net.SplitHostPort; undefined where Go returns an error. */
export function splitHostPort(hostPort: string): { host: string; port: string } | undefined {
  const i = hostPort.lastIndexOf(':');
  if (i < 0) return undefined;
  let host: string;
  let j = 0;
  let k = 0;
  if (hostPort[0] === '[') {
    const end = hostPort.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined;
    host = hostPort.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostPort.slice(0, i);
    if (host.includes(':')) return undefined;
  }
  if (hostPort.indexOf('[', j) >= 0 || hostPort.indexOf(']', k) >= 0) return undefined;
  return { host, port: hostPort.slice(i + 1) };
}

export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Prometheus's stripPort: the host of host:port, or the input when it is no host:port. */
export function stripPort(hostPort: string): string {
  return splitHostPort(hostPort)?.host ?? hostPort;
}

/** Prometheus's stripDomain: the first label of a host name, port kept; IP addresses unchanged. */
export function stripDomain(hostPort: string): string {
  const split = splitHostPort(hostPort);
  const host = split ? split.host : hostPort;
  const port = split ? split.port : '';
  // Go's net.ParseIP takes no IPv6 zone ("%eth0"); Node's isIP does.
  if (!host.includes('%') && isIP(host) !== 0) return hostPort;
  const first = host.split('.')[0];
  return port !== '' ? joinHostPort(first, port) : first;
}
