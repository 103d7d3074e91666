import type { DeliveryPayload } from './alert-payload.js';
import { channelRequest } from './channel-request.js';
import type { StoredChannel } from './channel-store.js';
import { sendEmail } from './email-sender.js';
import { postBody, type PostOptions, type PostResult } from './http-post.js';

/** Sends one delivery to one channel; rejects with a PostError when the attempt failed. */
export type ChannelSender = (
  channel: StoredChannel,
  deliveryId: string,
  payload: DeliveryPayload,
  opts: PostOptions,
) => Promise<PostResult>;

/** Email over SMTP, every other kind as one HTTP POST. */
export const sendToChannel: ChannelSender = (channel, deliveryId, payload, opts) => {
  if (channel.kind === 'email') return sendEmail(channel, deliveryId, payload, opts);
  const req = channelRequest(channel, deliveryId, payload);
  return postBody(req.url, req.body, req.headers, opts);
};
