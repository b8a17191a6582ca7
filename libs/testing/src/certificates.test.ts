import { readFileSync } from 'node:fs';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCertificates } from './certificates.ts';
import { systemTool } from './system-tools.ts';
import { tempDir } from './temp-dir.ts';

const HAVE_OPENSSL = systemTool('openssl', 'openssl', 'the certificate tests') !== undefined;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.runIf(HAVE_OPENSSL)('makeCertificates', () => {
  it('makes a CA and server and client certificates that a mutual TLS handshake on 127.0.0.1 accepts', async () => {
    const c = makeCertificates(tempDir('certificates-test-', cleanups).path);
    const server = createServer(
      {
        cert: readFileSync(c.serverCert),
        key: readFileSync(c.serverKey),
        ca: readFileSync(c.ca),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (s) => s.end(),
    );
    const clientNames: string[] = [];
    server.on('secureConnection', (s: TLSSocket) => clientNames.push(String(s.getPeerCertificate().subject.CN)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: readFileSync(c.ca),
      cert: readFileSync(c.clientCert),
      key: readFileSync(c.clientKey),
    });
    cleanups.push(() => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate().subject.CN).toBe('127.0.0.1');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(clientNames).toEqual(['edge-1']);
  });
});
