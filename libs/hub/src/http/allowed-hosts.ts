// The names the hub answers to. A browser writes the Host header from the address of the
// page that sends the request, so a DNS-rebinding page (its own name, re-resolved to
// 127.0.0.1) arrives with the attacker's name in Host: refusing names the hub was not
// told about is what keeps such a page out. A Host is read the way browsers read URLs
// (WHATWG URL), so `LOCALHOST`, `0x7f.1` or `[0:0::1]` compare as the names they stand for.

/** A Host value or allowed_hosts entry, canonical: hostname as URL gives it, port (undefined: none written). */
export interface ParsedHost {
  hostname: string;
  port: number | undefined;
}

/**
 * `name`, `name:port`, `1.2.3.4:port`, `[::1]:port`, canonical; undefined when the text is
 * anything else (a scheme, a path, user info, spaces).
 */
export function parseHost(text: string): ParsedHost | undefined {
  if (text === '' || /[\s/?#@\\]/.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${text}`);
  } catch {
    return undefined;
  }
  // URL drops a port that is the scheme's default; the text says whether one was written.
  const written = /:(\d+)$/.exec(text);
  return { hostname: url.hostname, port: written ? Number(written[1]) : undefined };
}

/** An http.allowed_hosts entry, or the reason it is not one (for the config's problems). */
export function parseAllowedHost(text: string): ParsedHost | string {
  const shown = JSON.stringify(text);
  if (text.includes('*')) return `${shown} has a wildcard: list each name the hub is reached by, e.g. metrics.example.com`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || text.includes('/'))
    return `${shown} is a URL: write the host name alone, e.g. metrics.example.com (or metrics.example.com:8443 for that port only)`;
  const parsed = parseHost(text);
  if (!parsed) return `${shown} is not a host name: write it like metrics.example.com or metrics.example.com:8443`;
  if (parsed.port !== undefined && (parsed.port < 1 || parsed.port > 65535)) return `${shown} has a port outside 1-65535`;
  return parsed;
}

/** True for an address only this machine reaches (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

const WILDCARD = new Set(['0.0.0.0', '::']);
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Which Host headers name this hub: its listen address (loopback names on loopback) and the configured names. */
export class HostRule {
  private readonly listenNames: Set<string>;
  private readonly anyIp: boolean;

  /** `listen` is the bound address (its real port when the config said 0). */
  constructor(
    private readonly listen: { host: string; port: number },
    private readonly allowed: readonly ParsedHost[],
  ) {
    const own = parseHost(listen.host.includes(':') ? `[${listen.host}]` : listen.host)?.hostname ?? listen.host;
    this.anyIp = WILDCARD.has(listen.host);
    this.listenNames = new Set(isLoopback(listen.host) || this.anyIp ? [...LOOPBACK_NAMES, ...(this.anyIp ? [] : [own])] : [own]);
  }

  allows(hostHeader: string): boolean {
    const h = parseHost(hostHeader);
    if (!h) return false;
    for (const a of this.allowed) if (a.hostname === h.hostname && (a.port === undefined || a.port === (h.port ?? 80))) return true;
    if ((h.port ?? 80) !== this.listen.port) return false;
    // On every interface the hub is reached by any of the machine's addresses; a
    // rebinding page always has a name, never an address.
    return this.listenNames.has(h.hostname) || (this.anyIp && isIpLiteral(h.hostname));
  }

  /** The names it answers to, for the refusal's message. */
  describe(): string {
    const port = this.listen.port === 80 ? '' : `:${this.listen.port}`;
    const names = [...this.listenNames].map((n) => `${n}${port}`);
    if (this.anyIp) names.push(`any of this machine's addresses${port}`);
    for (const a of this.allowed) names.push(a.port === undefined ? a.hostname : `${a.hostname}:${a.port}`);
    return names.join(', ');
  }
}

function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(hostname);
}
