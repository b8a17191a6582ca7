// The part of Prometheus's http_config that a notifier needs: who we are (basic auth, a
// bearer token or any Authorization scheme, inline or from a file) and whether to follow
// redirects. Files are read at each send, as Prometheus does, so rotated secrets apply
// without a reload.

import { readFile } from 'node:fs/promises';
import type { ConfigReader } from './config-reader.ts';
import { DeliveryError } from './errors.ts';

type Secret = { value: string } | { file: string; field: string };

export interface HttpConfig {
  authorization?: { scheme: string; credentials: Secret };
  basicAuth?: { username: string; password?: Secret };
  followRedirects: boolean;
}

// Valid in Alertmanager but not implemented here: say so rather than "unknown field".
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

export function readHttpConfig(parent: ConfigReader, key = 'http_config'): HttpConfig {
  const r = parent.section(key);
  if (!r) return { followRedirects: true };
  for (const field of UNSUPPORTED) if (r.has(field)) r.fail(field, 'is not supported by metrics-hub receivers');

  const config: HttpConfig = { followRedirects: r.boolean('follow_redirects', true) };
  const chosen: string[] = [];

  const basic = r.section('basic_auth');
  if (basic) {
    chosen.push('basic_auth');
    const username = basic.requiredString('username');
    const password = basic.string('password');
    const passwordFile = basic.string('password_file');
    if (password !== undefined && passwordFile !== undefined) basic.fail('password_file', 'set either password or password_file, not both');
    config.basicAuth = { username };
    if (password !== undefined) config.basicAuth.password = { value: password };
    if (passwordFile !== undefined) config.basicAuth.password = { file: passwordFile, field: basic.path('password_file') };
    basic.finish();
  }

  const token = r.string('bearer_token');
  const tokenFile = r.string('bearer_token_file');
  if (token !== undefined && tokenFile !== undefined) r.fail('bearer_token_file', 'set either bearer_token or bearer_token_file, not both');
  if (token !== undefined || tokenFile !== undefined) {
    chosen.push(token !== undefined ? 'bearer_token' : 'bearer_token_file');
    config.authorization = {
      scheme: 'Bearer',
      credentials: token !== undefined ? { value: token } : { file: tokenFile!, field: r.path('bearer_token_file') },
    };
  }

  const auth = r.section('authorization');
  if (auth) {
    chosen.push('authorization');
    const scheme = auth.string('type') ?? 'Bearer';
    if (scheme.toLowerCase() === 'basic') auth.fail('type', 'use basic_auth for Basic authentication');
    const credentials = auth.string('credentials');
    const file = auth.string('credentials_file');
    if (credentials !== undefined && file !== undefined)
      auth.fail('credentials_file', 'set either credentials or credentials_file, not both');
    if (credentials === undefined && file === undefined) auth.fail('credentials', 'is required (or credentials_file)');
    config.authorization = {
      scheme,
      credentials: credentials !== undefined ? { value: credentials } : { file: file!, field: auth.path('credentials_file') },
    };
    auth.finish();
  }

  if (chosen.length > 1)
    r.fail(chosen[1], `set only one of basic_auth, bearer_token, bearer_token_file and authorization (also set: ${chosen[0]})`);
  r.finish();
  return config;
}

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
