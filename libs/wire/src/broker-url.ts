// A broker URL (mqtt://host:1883, mqtts://, ws://host/mqtt) as the address fields of
// mqtt.js's connect options. mqtt.connect(url) parses with Node's legacy url.parse(),
// which Node 24 reports as deprecated on every start; the WHATWG parser here gives the same
// fields without the warning.

export interface BrokerAddress {
  /** tcp:// is given as mqtt, ssl:// and tls:// as mqtts. */
  protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  hostname: string;
  port: number;
  /** WebSocket only: path and query. */
  path?: string;
  username?: string;
  password?: string;
}

const SCHEMES: Record<string, BrokerAddress['protocol']> = {
  mqtt: 'mqtt',
  tcp: 'mqtt',
  mqtts: 'mqtts',
  ssl: 'mqtts',
  tls: 'mqtts',
  ws: 'ws',
  wss: 'wss',
};
const DEFAULT_PORT: Record<BrokerAddress['protocol'], number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

// scheme://[user[:password]@]host[:port][/path][?query] (host may be [IPv6]). Parsed here,
// not with URL, so the package needs neither the DOM's types nor Node's.
const BROKER_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?(\[[0-9A-Fa-f:.]+\]|[^:/?#[\]@]*)(?::(\d{1,5}))?([/?][^#]*)?$/;

/** The address in `url`; throws with what to write instead when it is not a broker URL. */
export function parseBrokerUrl(url: string): BrokerAddress {
  const m = BROKER_URL.exec(url);
  if (!m) throw new Error(`${JSON.stringify(url)} is not a broker URL: use mqtt://host:1883, mqtts://host:8883 or ws://host/mqtt`);
  const [, rawScheme, userinfo, host, port, rest] = m;
  const scheme = Object.hasOwn(SCHEMES, rawScheme.toLowerCase()) ? SCHEMES[rawScheme.toLowerCase()] : undefined;
  if (!scheme) throw new Error(`${url}: unknown scheme ${rawScheme}: use mqtt://host:1883, mqtts://host:8883 or ws://host/mqtt`);
  const portNumber = port ? Number(port) : DEFAULT_PORT[scheme];
  if (portNumber < 1 || portNumber > 65535) throw new Error(`${url}: port ${port} is out of range (1-65535)`);
  const address: BrokerAddress = { protocol: scheme, hostname: host.replace(/^\[|\]$/g, '') || 'localhost', port: portNumber };
  if (scheme === 'ws' || scheme === 'wss') address.path = rest ? (rest.startsWith('/') ? rest : `/${rest}`) : '/';
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (user) address.username = decodeURIComponent(user);
    if (colon >= 0) address.password = decodeURIComponent(userinfo.slice(colon + 1));
  }
  return address;
}
