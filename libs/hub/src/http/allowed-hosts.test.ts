import { describe, expect, it } from 'vitest';
import { HostRule, parseAllowedHost, parseHost } from './allowed-hosts.ts';
import { isFormContentType } from './browser-guard.ts';

describe('Host names', () => {
  it('reads a Host as a browser writes it: lower case, canonical addresses, the port only when written', () => {
    expect(parseHost('LOCALHOST:9464')).toEqual({ hostname: 'localhost', port: 9464 });
    expect(parseHost('0x7f.1:9464')).toEqual({ hostname: '127.0.0.1', port: 9464 });
    expect(parseHost('[0:0::1]')).toEqual({ hostname: '[::1]', port: undefined });
    for (const bad of ['', 'a b', 'http://x', 'x/y', 'user@x', 'x:99999', '::1', 'x\\y']) expect(parseHost(bad), bad).toBeUndefined();
  });

  it('on loopback: 127.0.0.1, localhost and [::1] at the bound port, and the configured names', () => {
    const rule = new HostRule({ host: '127.0.0.1', port: 9464 }, [
      { hostname: 'metrics.example.com', port: undefined },
      { hostname: 'tunnel.example', port: 9000 },
    ]);
    for (const ok of [
      '127.0.0.1:9464',
      'localhost:9464',
      '[::1]:9464',
      'metrics.example.com',
      'metrics.example.com:443',
      'tunnel.example:9000',
    ])
      expect(rule.allows(ok), ok).toBe(true);
    for (const no of ['127.0.0.1:9465', 'localhost', 'attacker.example:9464', 'tunnel.example:9001', '10.0.0.5:9464', 'localhost.:9464'])
      expect(rule.allows(no), no).toBe(false);
    expect(rule.describe()).toBe('127.0.0.1:9464, localhost:9464, [::1]:9464, metrics.example.com, tunnel.example:9000');
  });

  it('on every interface: any address of the machine (a rebinding page has a name), localhost, the configured names', () => {
    const rule = new HostRule({ host: '0.0.0.0', port: 80 }, []);
    for (const ok of ['192.168.1.5', '172.17.0.1:80', '[fe80::1]', 'localhost']) expect(rule.allows(ok), ok).toBe(true);
    for (const no of ['hub.example.lan', '192.168.1.5:8080']) expect(rule.allows(no), no).toBe(false);
  });

  it('on one address: that address', () => {
    const rule = new HostRule({ host: '192.168.1.5', port: 9464 }, []);
    expect(rule.allows('192.168.1.5:9464')).toBe(true);
    expect(rule.allows('192.168.1.6:9464')).toBe(false);
    expect(rule.allows('localhost:9464')).toBe(false);
  });

  it('checks http.allowed_hosts entries and says how to write them', () => {
    expect(parseAllowedHost('Metrics.Example.com')).toEqual({ hostname: 'metrics.example.com', port: undefined });
    expect(parseAllowedHost('metrics.example.com:8443')).toEqual({ hostname: 'metrics.example.com', port: 8443 });
    expect(parseAllowedHost('*.example.com')).toMatch(/has a wildcard: list each name/);
    expect(parseAllowedHost('https://metrics.example.com/')).toMatch(/is a URL: write the host name alone/);
    expect(parseAllowedHost('two words')).toMatch(/is not a host name/);
  });
});

describe('content types a page may send without asking', () => {
  it('the form types, and anything not read as exactly one media type', () => {
    for (const simple of [
      'text/plain',
      'TEXT/PLAIN; charset=UTF-8',
      ' application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json, text/plain',
      'application/json; a=b, text/plain',
      'text /plain',
      '',
      'json',
    ])
      expect(isFormContentType(simple), simple).toBe(true);
    for (const program of [
      'application/json',
      'application/json; charset=utf-8',
      'application/x-protobuf',
      'application/openmetrics-text; version=1.0.0',
      'application/gzip',
    ])
      expect(isFormContentType(program), program).toBe(false);
  });
});
