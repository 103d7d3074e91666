import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { eventOfPayload, summaryOf, type DeliveryPayload } from './alert-payload.js';
import type { StoredChannel } from './channel-store.js';
import { PostError, type PostOptions, type PostResult } from './http-post.js';
import { isPublicAddress, TargetRefusedError } from '../http/target-guard.js';

/** The SMTP reply code at the start of a server response ("250 2.0.0 Ok: queued"). */
function replyCode(response: unknown): number {
  const code = typeof response === 'string' ? Number(response.slice(0, 3)) : NaN;
  return Number.isInteger(code) ? code : 250;
}

/**
 * The address to connect to: resolved once and checked by the same guard as webhooks, then
 * connected to by address (the name kept for TLS), so the check and the connection agree.
 */
async function smtpAddress(host: string, allowPrivate: boolean): Promise<string> {
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
  const first = addresses[0]?.address;
  if (!first) throw new PostError(`${host} does not resolve`);
  if (!allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad) throw new PostError(new TargetRefusedError(bad.address).message);
  }
  return first;
}

/**
 * Sends one delivery as an email over SMTP (nodemailer). The Message-ID is derived from the
 * delivery id, so retries of one delivery carry the same id (the mail-world idempotency key).
 * Resolves with the server's reply code (250); rejects with it when the server refuses.
 */
export async function sendEmail(
  channel: StoredChannel,
  deliveryId: string,
  payload: DeliveryPayload,
  opts: PostOptions,
): Promise<PostResult> {
  const c = channel.config;
  if (!c.smtpHost || !c.from || !c.to?.length) throw new PostError('email channel incomplete');
  const secure = c.smtpSecure ?? false;
  const address = await smtpAddress(c.smtpHost, opts.allowPrivate);
  const transport = nodemailer.createTransport({
    host: address,
    port: c.smtpPort ?? (secure ? 465 : 587),
    secure,
    tls: { servername: c.smtpHost },
    ...(c.smtpUser ? { auth: { user: c.smtpUser, pass: c.smtpPassword ?? '' } } : {}),
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
  });
  const onAbort = () => transport.close();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    const summary = summaryOf(payload);
    const event = eventOfPayload(payload);
    const info = await transport.sendMail({
      from: c.from,
      to: c.to,
      subject: summary.slice(0, 200),
      text: event ? `${summary}\n\n${JSON.stringify(event, null, 2)}\n` : `${summary}\n`,
      messageId: `<${deliveryId}@hybrid-dns-server>`,
      headers: { 'X-Hdns-Delivery': deliveryId },
    });
    return { statusCode: replyCode(info.response) };
  } catch (err) {
    if (opts.signal?.aborted) throw new PostError('aborted: server shutting down');
    const e = err as { message?: string; responseCode?: number };
    throw new PostError(`SMTP: ${e.message ?? String(err)}`, e.responseCode ?? null);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    transport.close();
  }
}
