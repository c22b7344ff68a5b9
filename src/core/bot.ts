import type { HandoffReason } from './domain-events';
import type { MessageContent } from './message';
import type { ChannelCapabilities } from './channel';

/**
 * The bot contract: a bot looks at one contact message and returns a decision; the
 * core performs it (stores and sends the reply, changes the status, logs the event).
 * A bot never writes the conversation itself. The built-in FAQ bot and bots behind a
 * webhook both implement this.
 */
export interface BotTurn {
  conversationId: number;
  inboxId: number;
  channel: string;
  /** The contact's message. */
  content: MessageContent;
  /** Plain text of the message ('' for media). */
  text: string;
  capabilities: ChannelCapabilities;
  /** What this bot stored on the conversation last time (see `BotDecision.state`). */
  state: BotState;
  /** Preferred language of the inbox/contact. */
  lang: 'vi' | 'en';
}

/** Opaque per-conversation memory of the bot (JSON). */
export type BotState = Record<string, unknown>;

export type BotDecision =
  /** Answer from the FAQ; `content` is what to send (may include the "did it help?" question). */
  | { type: 'answer'; faqId: string; confidence: number; content: MessageContent[]; state: BotState }
  /** Hand the conversation to people; `content` is what to tell the contact first. */
  | { type: 'handoff'; reason: Exclude<HandoffReason, 'agent_took_over'>; content: MessageContent[]; state: BotState }
  /** The contact confirmed the answer helped: resolve as bot-resolved. */
  | { type: 'resolve'; content: MessageContent[]; state: BotState }
  /** Nothing to do (e.g. a sticker); the conversation stays with the bot. */
  | { type: 'none'; state: BotState };

export interface Bot {
  readonly name: string;
  decide(turn: BotTurn): Promise<BotDecision>;
}
