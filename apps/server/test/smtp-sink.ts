import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real local SMTP server (the nodemailer project's smtp-server) on 127.0.0.1 that keeps
 * every message it accepts, or refuses recipients with 550 while `refuse` is set. Plain SMTP
 * (no STARTTLS, no AUTH): it tests what the app sends, not TLS.
 */
export interface SmtpSink {
  port: number;
  messages: string[];
  refuse: boolean;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = {
    port: 0,
    messages: [],
    refuse: false,
    close: () => Promise.resolve(),
  };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!sink.refuse) return callback();
      const err = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
      return callback(err);
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        sink.messages.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  let closed: Promise<void> | null = null;
  sink.close = () => {
    closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    return closed;
  };
  return sink;
}
