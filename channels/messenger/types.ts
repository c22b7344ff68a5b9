/**
 * Raw Messenger Platform shapes, as Meta sends and accepts them. Only this folder may
 * import this file; everything else sees the core's normalized types.
 *
 * Assumptions:
 *  1. Webhook bodies are untrusted: every field is optional here and narrowed in parse.ts.
 *  2. Ids may be JSON numbers in older payloads (and `app_id` still is in echoes); parse
 *     turns them into strings. // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-echoes
 */

export type RawId = string | number;

export interface RawWebhookBody {
  object?: unknown;
  entry?: unknown;
}

export interface RawEntry {
  id?: RawId;
  time?: number;
  messaging?: unknown;
  /** Items for threads another app owns (handover / conversation routing). */
  standby?: unknown;
  /** Page feed changes and the dashboard's "test" button; nothing for Messenger. */
  changes?: unknown;
}

export interface RawAttachment {
  type?: string;
  title?: string;
  /** Legacy `fallback` attachments put the link here instead of in the payload. */
  url?: string;
  payload?: {
    url?: string;
    sticker_id?: RawId;
    title?: string;
    coordinates?: { lat?: number; long?: number };
    template_type?: string;
  } | null;
}

export interface RawMessage {
  mid?: string;
  text?: string;
  is_echo?: boolean;
  app_id?: RawId;
  metadata?: string;
  sticker_id?: RawId;
  quick_reply?: { payload?: string };
  reply_to?: { mid?: string; is_self_reply?: boolean };
  attachments?: RawAttachment[];
}

export interface RawReferral {
  ref?: string;
  source?: string;
  type?: string;
  ad_id?: string;
}

export interface RawMessagingItem {
  sender?: { id?: RawId };
  recipient?: { id?: RawId };
  timestamp?: number;
  message?: RawMessage;
  postback?: { mid?: string; title?: string; payload?: string; referral?: RawReferral };
  delivery?: { mids?: string[]; mid?: string; watermark?: number };
  read?: { watermark?: number };
  reaction?: { reaction?: string; emoji?: string; action?: string; mid?: string };
  referral?: RawReferral;
  pass_thread_control?: { new_owner_app_id?: RawId; previous_owner_app_id?: RawId | null; metadata?: string };
  take_thread_control?: { previous_owner_app_id?: RawId; new_owner_app_id?: RawId; metadata?: string };
  request_thread_control?: { requested_owner_app_id?: RawId; metadata?: string };
  app_roles?: Record<string, string[]>;
}

// --- Send API ---------------------------------------------------------------------

export type MessagingType = 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
export type SenderAction = 'typing_on' | 'typing_off' | 'mark_seen';

export interface SendApiQuickReply {
  content_type: 'text';
  title: string;
  payload: string;
}

export type SendApiMessage =
  | { text: string; quick_replies?: SendApiQuickReply[]; metadata: string }
  | { attachment: { type: 'image' | 'audio' | 'video' | 'file'; payload: { url: string; is_reusable: boolean } }; metadata: string };

export interface SendApiBody {
  recipient: { id: string };
  messaging_type: MessagingType;
  tag?: 'HUMAN_AGENT';
  message: SendApiMessage;
}

export interface SenderActionBody {
  recipient: { id: string };
  sender_action: SenderAction;
}

export interface SendApiResponse {
  recipient_id?: string;
  message_id?: string;
}

/** // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/error-codes */
export interface GraphErrorBody {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number; fbtrace_id?: string };
}

export interface RawProfile {
  id?: string;
  first_name?: string;
  last_name?: string;
  profile_pic?: string;
}
