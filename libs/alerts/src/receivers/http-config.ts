// The part of Prometheus's http_config that a notifier needs: who we are (basic auth, a
// bearer token or any Authorization scheme, inline or from a file) and whether to follow
// redirects. Files are read at each send, as Prometheus does, so rotated secrets apply
// without a reload.

import { readFile } from 'node:fs/promises';
import { bool, childPlace, object, text, transform, type Schema } from '@metrics-hub/config';
import { DeliveryError } from './errors.ts';
import { notImplemented, requiredText } from './receiver-config.ts';

type Secret = { value: string } | { file: string; field: string };

export interface HttpConfig {
  authorization?: { scheme: string; credentials: Secret };
  basicAuth?: { username: string; password?: Secret };
  followRedirects: boolean;
}

// Valid in Alertmanager but not implemented here: say so rather than "unknown key".
const UNSUPPORTED = [
  'oauth2',
  'tls_config',
  'proxy_url',
  'proxy_from_environment',
  'no_proxy',
  'proxy_connect_header',
  'enable_http2',
  'http_headers',
];
const CREDENTIALS = 'basic_auth, bearer_token, bearer_token_file and authorization';

const basicAuth = object({ username: requiredText('the user name sent with every request'), password: text, password_file: text });
const authorization = object({ type: text, credentials: text, credentials_file: text });

/** `http_config:` of a webhook or Slack receiver. */
export const httpConfig: Schema<HttpConfig> = transform(
  object(
    {
      follow_redirects: { schema: bool, default: true },
      basic_auth: basicAuth,
      bearer_token: text,
      bearer_token_file: text,
      authorization,
    },
    { notSupported: notImplemented(UNSUPPORTED) },
  ),
  (v, place, reading) => {
    const config: HttpConfig = { followRedirects: v.follow_redirects };
    const fileOf = (parent: string, key: string, file: string) => ({ file, field: childPlace(childPlace(place, parent), key).label });
    const notBoth = (parent: string | undefined, a: string, b: string) => {
      const at = parent ? childPlace(childPlace(place, parent), b) : childPlace(place, b);
      reading.report(at, `${at.label} is set together with ${a}: set either ${a} or ${b}, not both`);
    };
    const chosen: string[] = [];
    if (v.basic_auth) {
      chosen.push('basic_auth');
      const { username, password, password_file } = v.basic_auth;
      if (password !== undefined && password_file !== undefined) notBoth('basic_auth', 'password', 'password_file');
      config.basicAuth = { username };
      if (password !== undefined) config.basicAuth.password = { value: password };
      if (password_file !== undefined) config.basicAuth.password = fileOf('basic_auth', 'password_file', password_file);
    }
    if (v.bearer_token !== undefined && v.bearer_token_file !== undefined) notBoth(undefined, 'bearer_token', 'bearer_token_file');
    if (v.bearer_token !== undefined || v.bearer_token_file !== undefined) {
      chosen.push(v.bearer_token !== undefined ? 'bearer_token' : 'bearer_token_file');
      config.authorization = {
        scheme: 'Bearer',
        credentials:
          v.bearer_token !== undefined
            ? { value: v.bearer_token }
            : { file: v.bearer_token_file!, field: childPlace(place, 'bearer_token_file').label },
      };
    }
    if (v.authorization) {
      chosen.push('authorization');
      const { type: scheme = 'Bearer', credentials, credentials_file: file } = v.authorization;
      const at = (key: string) => childPlace(childPlace(place, 'authorization'), key);
      if (scheme.toLowerCase() === 'basic')
        reading.report(at('type'), `${at('type').label} is Basic: use basic_auth for Basic authentication`);
      if (credentials !== undefined && file !== undefined) notBoth('authorization', 'credentials', 'credentials_file');
      if (credentials === undefined && file === undefined)
        reading.report(
          at('credentials'),
          `${at('credentials').label} is required: the credentials sent after the scheme (or credentials_file)`,
        );
      config.authorization = {
        scheme,
        credentials: credentials !== undefined ? { value: credentials } : fileOf('authorization', 'credentials_file', file ?? ''),
      };
    }
    if (chosen.length > 1) {
      const at = childPlace(place, chosen[1]);
      reading.report(at, `${at.label} is set together with ${chosen[0]}: set only one of ${CREDENTIALS}`);
    }
    return config;
  },
);

/** The Authorization header for one request, reading credential files now. */
export async function authorizationHeader(kind: string, config: HttpConfig): Promise<string | undefined> {
  if (config.basicAuth) {
    const password = config.basicAuth.password ? await resolveSecret(kind, config.basicAuth.password) : '';
    return `Basic ${Buffer.from(`${config.basicAuth.username}:${password}`).toString('base64')}`;
  }
  if (config.authorization) return `${config.authorization.scheme} ${await resolveSecret(kind, config.authorization.credentials)}`;
  return undefined;
}

async function resolveSecret(kind: string, secret: Secret): Promise<string> {
  if ('value' in secret) return secret.value;
  try {
    return (await readFile(secret.file, 'utf8')).trim();
  } catch (err) {
    throw new DeliveryError(kind, 'credentials', `cannot read ${secret.field} ${secret.file}: ${(err as Error).message}`, {
      retryable: true,
      cause: err,
    });
  }
}
