import type { ChannelAddress, OutboundMessage, SendResult } from '../../src/core/channel';
import { GatewayError } from '../../src/core/errors';
import type { MessengerConfig } from './config';
import { MessengerError, type MessengerErrorDetails } from './errors';
import type { GraphApi } from './graph-api';
import type { PageTokens } from './pages';
import { createSendRateLimiter, type SendRateLimiter } from './rate-limit';
import { renderMessage } from './render';
import type { SenderAction, SendApiBody } from './types';
import { decideWindow } from './window';

export interface MessengerSenderDeps {
  graph: GraphApi;
  config: Pick<MessengerConfig, 'humanAgent'>;
  pages: PageTokens;
  rateLimiter?: SendRateLimiter;
  /** The clock the window rule uses. */
  now?: () => Date;
  /** Turns stored upload references into links Meta can fetch (index.ts signs them). */
  resolveUrl?: (url: string) => string;
}

export interface MessengerSender {
  send(message: OutboundMessage): Promise<SendResult>;
  typing(address: ChannelAddress, on: boolean): Promise<void>;
  markSeen(address: ChannelAddress): Promise<void>;
}

/**
 * OutboundMessage → Send API calls. In order: find the Page's token (unknown Page → a
 * permanent config error), apply the window rule (a refusal costs no HTTP call), render,
 * pace per Page, post each part. Returns the LAST part's `message_id`.
 * A failure after some parts went out is made non-retryable (`details.partial`): a retry
 * would resend the parts already delivered.
 * // ref: https://developers.facebook.com/docs/messenger-platform/reference/send-api
 */
export function createMessengerSender(deps: MessengerSenderDeps): MessengerSender {
  const limiter = deps.rateLimiter ?? createSendRateLimiter();
  const now = deps.now ?? (() => new Date());

  const tokenFor = async (address: ChannelAddress): Promise<string> => {
    const token = await deps.pages.tokenOf(address.accountId);
    if (!token) {
      throw new GatewayError('GW_ERR_CONFIG_INVALID', `Messenger: no access token for Page ${address.accountId}; add the Page (admin API or MESSENGER_PAGES)`);
    }
    return token;
  };

  const action = async (address: ChannelAddress, act: SenderAction) => {
    const token = await tokenFor(address);
    await limiter.acquire(address.accountId, address.externalUserId, 'text');
    await deps.graph.senderAction(token, address.externalUserId, act);
  };

  return {
    async send(message) {
      const { address } = message;
      const token = await tokenFor(address);
      // A campaign is promotional: never under a tag (HUMAN_AGENT is for a person answering), so
      // it goes by the automated rule — RESPONSE inside 24 h, else refused. campaign-window.ts
      // ref: https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags
      const senderType = message.purpose === 'campaign' ? 'bot' : message.senderType;
      const decision = decideWindow({ lastInboundAt: message.lastInboundAt, now: now(), senderType, humanAgentGranted: deps.config.humanAgent });
      if (!decision.allowed) throw new GatewayError('GW_ERR_MESSAGING_WINDOW_CLOSED', decision.reason, { window: decision.code });

      const parts = renderMessage(message.content, { messageId: message.messageId, resolveUrl: deps.resolveUrl });
      const sent: string[] = [];
      for (const part of parts) {
        const body: SendApiBody = {
          recipient: { id: address.externalUserId },
          messaging_type: decision.messagingType,
          ...(decision.messagingType === 'MESSAGE_TAG' ? { tag: decision.tag } : {}),
          message: part.message,
        };
        try {
          await limiter.acquire(address.accountId, address.externalUserId, part.media ? 'media' : 'text');
          sent.push((await deps.graph.sendMessage(token, body)).messageId);
        } catch (err) {
          // Meta's own "too fast" (4, 17, 32, 613), not our limiter's: every node holds back.
          if (err instanceof MessengerError && err.code === 'GW_ERR_CHANNEL_RATE_LIMITED') await limiter.backOff(address.accountId);
          throw sent.length > 0 ? partialFailure(err, sent, parts.length) : err;
        }
      }
      return { externalId: sent.at(-1) ?? null, status: 'sent' };
    },

    typing: (address, on) => action(address, on ? 'typing_on' : 'typing_off'),
    markSeen: (address) => action(address, 'mark_seen'),
  };
}

function partialFailure(err: unknown, sent: string[], totalParts: number): GatewayError {
  const partial = { sentParts: sent.length, totalParts, externalIds: [...sent] };
  const suffix = ` — after ${sent.length} of ${totalParts} parts were sent`;
  if (!(err instanceof GatewayError)) return new MessengerError('GW_ERR_INTERNAL', `Messenger: ${String(err)}${suffix}`, { partial }, false);
  const details: MessengerErrorDetails = { ...((err.details as MessengerErrorDetails | undefined) ?? {}), partial };
  return new MessengerError(err.code, `${err.message}${suffix}`, details, false);
}
