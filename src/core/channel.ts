import type { Router } from 'express';
import type { Server as SocketServer } from 'socket.io';
import type { Logger } from 'pino';
import type { InboundEvent, MessageContent, ParsedEvent } from './message';
import type { DomainEventBus } from './event-bus';
import type { RateBudget } from './rate-budget';
import type { RateLimits } from './rate-limits';
import type { ChannelDirectory, MessageView } from '../pipeline/channel-directory';
import type { UploadStore } from '../uploads/upload-store';

/**
 * The contract every channel implements (website widget, Messenger, Zalo OA, the test
 * fake). The core only ever sees this interface; channels are handed to the gateway
 * by the composition root (`app/`), and the core never imports one.
 */
export interface ChannelAdapter {
  /** Stable id stored on inboxes and events: `widget`, `messenger`, `zalo`. */
  readonly id: string;
  readonly capabilities: ChannelCapabilities;
  /** Attach webhook routes and socket namespaces. Called once at start. */
  mount(host: ChannelHost): void | Promise<void>;
  /** Deliver one outbound message; throw a GatewayError (coded, retryable or not) on failure. */
  send(message: OutboundMessage): Promise<SendResult>;
  /** Show or hide "agent is typing" to the contact, where the channel can. */
  typing?(address: ChannelAddress, conversationId: number, typing: boolean, senderName: string | null): Promise<void>;
  /** Tell the contact the agents have read up to this message. */
  markRead?(address: ChannelAddress, conversationId: number, lastReadId: number): Promise<void>;
  /**
   * Whether an agent may reply now, under the platform's rules (Messenger's 24 h / Human
   * Agent window, Zalo's 7 days and free replies). Absent: always open. `sender` (default
   * an agent) matters where automated messages have a shorter window (Messenger: 24 h).
   */
  replyWindow?(address: ChannelAddress, lastInboundAt: Date | null, now: Date, sender?: 'agent' | 'bot' | 'system'): Promise<ReplyWindow>;
  /**
   * Whether a campaign (promotional) message may go to this contact, under the platform's
   * rules (Messenger: only inside the 24 h window; Zalo: followers only, 06:00–22:00 Vietnam
   * time, one a day). Absent: always (the widget shows it on the contact's next visit).
   */
  campaignWindow?(target: CampaignTarget, now: Date): Promise<CampaignWindow>;
  /**
   * Process one webhook body the channel stored with `host.accept` (now, or after a
   * restart). Must be idempotent: after a crash a body may be processed twice.
   */
  processWebhook?(body: string, receivedAt: Date): Promise<void>;
  /** Release timers and connections at shutdown. */
  close?(): Promise<void>;
}

/** What a channel can render; the sender degrades on purpose (e.g. quick replies → numbered text). */
export interface ChannelCapabilities {
  /** Max quick-reply buttons per message, or false. */
  quickReplies: number | false;
  images: boolean;
  files: boolean;
  typingIndicator: boolean;
  /** Max characters of one text message. */
  maxTextLength: number;
}

/** Where a message goes, in the channel's own terms but with no channel-specific field names. */
export interface ChannelAddress {
  channel: string;
  /** Widget inbox key, Facebook Page id, Zalo OA id. */
  accountId: string;
  /** Visitor id, PSID, Zalo user id. */
  externalUserId: string;
}

export interface OutboundMessage {
  messageId: number;
  conversationId: number;
  inboxId: number;
  address: ChannelAddress;
  content: MessageContent;
  senderType: 'bot' | 'agent' | 'system';
  /** The agent's display name for agent messages. */
  senderName: string | null;
  /** The last inbound message's platform id, for channels that reply "to" a message (Zalo). */
  replyToExternalId: string | null;
  /** When the contact last wrote; channels use it for their messaging-window rules. */
  lastInboundAt: Date | null;
  /** `campaign` goes by the platform's promotion route where it has one (Zalo); default `reply`. */
  purpose?: 'reply' | 'campaign' | 'follow_up';
}

/** What a channel needs to decide whether a campaign may reach one contact now. */
export interface CampaignTarget {
  address: ChannelAddress;
  /** When the contact last wrote on this account (any conversation), null if never. */
  lastInboundAt: Date | null;
  /** Follows the account (Zalo OA), null if not known. */
  follower: boolean | null;
  /** When a campaign message last went to this contact on this account, null if never. */
  lastCampaignAt: Date | null;
}

/** `open`, or closed with the reason shown to the agent and, when it opens later by itself, when. */
export type CampaignWindow = { open: true } | { open: false; reason: string; notBefore: Date | null };

export interface SendResult {
  /** The platform's id of what was sent, matched later against echoes and receipts. */
  externalId: string | null;
  status: 'sent' | 'delivered';
}

export interface IngestResult {
  /** False when the platform message id was seen before (a retry): nothing was stored. */
  stored: boolean;
  messageId: number | null;
  conversationId: number | null;
  /** The stored message as its contact sees it (what a channel echoes back); null when nothing was stored. */
  message: MessageView | null;
}

/** What the gateway lends a channel when mounting it. */
export interface ChannelHost {
  /** Express router mounted at `/`; channels add `/webhooks/<id>` etc. */
  router: Router;
  io: SocketServer;
  logger: Logger;
  /**
   * Store a verified webhook body durably; answer the platform only after this resolves.
   * The core then calls the channel's `processWebhook` (at least once, even across a crash).
   */
  accept(body: string, receivedAt: Date): Promise<void>;
  /**
   * Record that an account can no longer send (token expired, permission revoked) — agents
   * see it on the inbox — or, with `null`, that it works again.
   */
  connectionProblem(accountId: string, problem: string | null): Promise<void>;
  /** Hand a normalized event to the core pipeline. */
  ingest(event: InboundEvent): Promise<IngestResult>;
  /** Echoes, receipts and contact details: applied to stored messages and contacts. */
  platformEvent(event: ParsedEvent): Promise<'applied' | 'duplicate' | 'unknown_inbox' | 'not_found' | 'ignored'>;
  events: DomainEventBus<unknown>;
  /** Read access to inboxes and contacts' history. */
  directory: ChannelDirectory;
  /** Attachments: store uploads, sign links. */
  uploads: UploadStore;
  /** A stable secret shared by every node, one per name (e.g. for visitor tokens). */
  secret(name: string): Promise<Buffer>;
  /** Ephemeral contact activity (typing, read) for the agents' realtime view; not stored. */
  activity(event: ContactActivity): void;
  /** The gateway's public base URL (no trailing slash); known for sure once it listens. */
  publicUrl(): string;
  /** Pacing for the platform's per-account limits, shared by every node (Redis) or this one. */
  rateBudget: RateBudget;
  /** Request limits (webhooks per IP, visitors' messages and uploads), shared by every node (Redis) or this one. */
  rateLimits: RateLimits;
}

/** Things a contact does that agents see live but that are not stored as messages. */
export type ContactActivity =
  | { type: 'typing'; conversationId: number; typing: boolean }
  | { type: 'read'; conversationId: number; lastReadId: number };

/** What the agent's composer shows about the channel's messaging window. */
export interface ReplyWindow {
  canReply: boolean;
  /** Until when replies are possible as things stand (null: no limit known). */
  closesAt: Date | null;
  /** Free replies left (Zalo), when the channel counts them. */
  freeRepliesLeft: number | null;
  /** A short explanation for the agent. */
  note: string;
}
