// A real SMTP server (smtp-server) on 127.0.0.1 that keeps every message it accepts.

import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { parseMessage, type MimeMessage } from './mime.ts';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Set when the client logged in. */
  user?: string;
  secure: boolean;
  raw: string;
  message: MimeMessage;
}

export interface SmtpRecorder {
  port: number;
  smarthost: string;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** An SMTP reply error as smtp-server sends it (code and text). */
export function smtpReply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

export async function startSmtp(options: SMTPServerOptions = {}): Promise<SmtpRecorder> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: options.key ? [] : ['STARTTLS'],
    ...options,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const user = typeof session.user === 'string' ? session.user : undefined;
        mails.push({
          from,
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
          raw,
          message: parseMessage(raw),
          ...(user ? { user } : {}),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    smarthost: `127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
