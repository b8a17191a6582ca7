import { describe, expect, it } from 'vitest';
import { parseBrokerUrl } from './broker-url.ts';

describe('parseBrokerUrl', () => {
  it('gives host, port (with the scheme default) and, for WebSocket, the path', () => {
    expect(parseBrokerUrl('mqtt://hub.local')).toEqual({ protocol: 'mqtt', hostname: 'hub.local', port: 1883 });
    expect(parseBrokerUrl('mqtts://10.0.0.5:18883')).toEqual({ protocol: 'mqtts', hostname: '10.0.0.5', port: 18883 });
    expect(parseBrokerUrl('mqtt://[::1]:1884')).toEqual({ protocol: 'mqtt', hostname: '::1', port: 1884 });
    expect(parseBrokerUrl('wss://broker.example/mqtt?x=1')).toEqual({
      protocol: 'wss',
      hostname: 'broker.example',
      port: 443,
      path: '/mqtt?x=1',
    });
    expect(parseBrokerUrl('ws://broker:8080')).toEqual({ protocol: 'ws', hostname: 'broker', port: 8080, path: '/' });
    expect(parseBrokerUrl('MQTT://Hub:1883/')).toEqual({ protocol: 'mqtt', hostname: 'Hub', port: 1883 });
    expect(parseBrokerUrl('tls://hub')).toEqual({ protocol: 'mqtts', hostname: 'hub', port: 8883 });
    expect(parseBrokerUrl('tcp://hub')).toEqual({ protocol: 'mqtt', hostname: 'hub', port: 1883 });
  });

  it('decodes credentials written into the URL', () => {
    expect(parseBrokerUrl('mqtt://hub%40a:p%3Ass@h:1')).toMatchObject({ username: 'hub@a', password: 'p:ss' });
  });

  it('refuses what is not a broker URL, saying what to write', () => {
    expect(() => parseBrokerUrl('hub:1883')).toThrow(/is not a broker URL/);
    expect(() => parseBrokerUrl('mqtt://hub:70000')).toThrow(/port 70000 is out of range/);
    expect(() => parseBrokerUrl('http://hub:1883')).toThrow(/unknown scheme http: use mqtt:\/\/host:1883/);
    expect(() => parseBrokerUrl('not a url')).toThrow(/is not a broker URL: use mqtt:\/\/host:1883/);
  });
});
