/**
 * Raw Zalo OA shapes. Folder-private (P1): nothing outside channels/zalo imports this file.
 * Webhook bodies arrive as `unknown` and are narrowed field by field in parse.ts — these
 * types describe what we expect, not what we trust.
 * ref: https://developers.zalo.me/docs/official-account/webhook (event reference), channels.md §2.3
 */

/** Ids and timestamps are JSON strings (19-digit ids overflow doubles); numbers are coerced. */
export type ZaloId = string;

export interface ZaloAttachmentRaw {
  type?: string;
  payload?: {
    url?: string;
    thumbnail?: string;
    description?: string;
    title?: string;
    /** file */
    size?: string | number;
    name?: string;
    checksum?: string;
    /** file extension-ish ("pdf"), not a MIME type */
    type?: string;
    /** sticker */
    id?: string;
    /** location — strings, e.g. "10.7642473" */
    coordinates?: { latitude?: string | number; longitude?: string | number };
  };
}

export interface ZaloWebhookRaw {
  app_id?: ZaloId;
  user_id_by_app?: ZaloId;
  event_name?: string;
  /** epoch ms as a string */
  timestamp?: string;
  /** `admin_id` only on oa_send_* typed by a human in Zalo's OA chat tool */
  sender?: { id?: ZaloId; admin_id?: ZaloId };
  recipient?: { id?: ZaloId };
  message?: {
    msg_id?: ZaloId;
    /** user_seen_message */
    msg_ids?: ZaloId[];
    text?: string;
    attachments?: ZaloAttachmentRaw[];
    quote_msg_id?: ZaloId;
    /** user_reacted_message */
    react_icon?: string;
  };
  /** follow / unfollow / add_user_to_tag only */
  oa_id?: ZaloId;
  follower?: { id?: ZaloId };
  source?: string;
  /** user_submit_info */
  info?: { name?: string; phone?: string | number; address?: string; city?: string; district?: string; ward?: string };
}

/** Every OA Open API answer: HTTP 200 even on failure, `error < 0` means failure. ref: zalo-php-sdk src/ZaloResponse.php */
export interface ZaloEnvelope<T> {
  error: number;
  message?: string;
  data?: T;
}

export interface ZaloSendData {
  message_id: ZaloId;
  user_id: ZaloId;
  quota?: unknown;
}

export interface ZaloUserDetailData {
  user_id?: ZaloId;
  user_id_by_app?: ZaloId;
  display_name?: string;
  avatar?: string;
  avatars?: Record<string, string>;
  user_is_follower?: boolean;
  /** "dd/mm/yyyy" */
  user_last_interaction_date?: string;
  /** `phone` may be a JSON number */
  shared_info?: { name?: string; phone?: string | number; address?: string; city?: string; district?: string } | null;
}

/** Body of POST /v3.0/oa/message/cs. ref: zalo-java-sdk src/test/java/v3/SendTextCSMessage.java, SendImageCSMessage.java */
export interface ZaloCsRequest {
  recipient: { user_id: ZaloId } | { message_id: ZaloId };
  message: ZaloCsMessage;
}

export type ZaloCsMessage =
  | { text: string; quote_message_id?: ZaloId }
  | { text?: string; attachment: ZaloMediaTemplate }
  | { attachment: { type: 'file'; payload: { token: string } } };

export interface ZaloMediaTemplate {
  type: 'template';
  payload: {
    template_type: 'media';
    elements: Array<{ media_type: 'image' | 'sticker'; url: string } | { media_type: 'image' | 'sticker'; attachment_id: string }>;
  };
}

/**
 * Body of POST /v3.0/oa/message/promotion ("tin truyền thông cá nhân"): a `promotion` template
 * of elements (a `banner` image, a `header`, `text` paragraphs, a `table`) and buttons. Always
 * to a `user_id` (a promotion answers nothing).
 * ref: zalo-java-sdk src/test/java/v3/SendPromotionMessage.java (official) ; channels.md §2.5 [Z1][Z3]
 * ref: https://developers.zalo.me/docs/official-account/tin-nhan/tin-truyen-thong/gui-tin-truyen-thong-ca-nhan
 */
export interface ZaloPromotionRequest {
  recipient: { user_id: ZaloId };
  message: { attachment: ZaloPromotionTemplate };
}

export interface ZaloPromotionTemplate {
  type: 'template';
  payload: {
    template_type: 'promotion';
    elements: ZaloPromotionElement[];
    buttons?: ZaloPromotionButton[];
  };
}

export type ZaloPromotionElement =
  | { type: 'banner'; image_url: string }
  | { type: 'banner'; attachment_id: string }
  | { type: 'header'; content: string; align?: 'left' | 'center' | 'right' }
  | { type: 'text'; content: string; align?: 'left' | 'center' | 'right' };

/** `oa.query.show`: tapping sends `payload` back as the user's message (shown in the chat), like a quick reply. */
export type ZaloPromotionButton =
  | { type: 'oa.query.show' | 'oa.query.hide'; title: string; payload: string }
  | { type: 'oa.open.url'; title: string; payload: { url: string } };

/** OAuth v4 token response; `expires_in` is a STRING of seconds ("90000" = 25 h). Errors may come with HTTP 200. */
export interface ZaloTokenResponseRaw {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
  error_name?: unknown;
  error_description?: unknown;
  message?: unknown;
}
