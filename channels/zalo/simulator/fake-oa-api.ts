import { randomBytes } from 'node:crypto';
import { newZaloMessageId } from './webhooks';

/**
 * OA Open API behaviour of the fake Zalo: body shapes of `/v3.0/oa/message/cs`, uploads,
 * user detail. Answers are Zalo envelopes `{error, message, data}` — errors INSIDE HTTP 200.
 * ref: channels.md §2.5, §2.8, §2.9
 */

export interface FakeZaloUser {
  displayName: string;
  avatar?: string;
  /** Zalo sometimes sends the phone as a JSON number. */
  phone?: string | number;
  follower?: boolean;
}

export interface FakeSentMessage {
  /** `cs` (POST /v3.0/oa/message/cs) or `promotion` (POST /v3.0/oa/message/promotion). */
  kind: 'cs' | 'promotion';
  /** When the fake accepted it (the fake's clock). */
  at: number;
  messageId: string;
  userId: string;
  recipient: Record<string, unknown>;
  message: Record<string, unknown>;
}

export type Envelope = { error: number; message: string; data?: unknown };

const OK = (data: unknown): Envelope => ({ error: 0, message: 'Success', data });
const FAIL = (error: number, message: string): Envelope => ({ error, message });

export class FakeOaState {
  readonly users = new Map<string, FakeZaloUser>();
  readonly userErrors = new Map<string, number>();
  /** msg_id of inbound messages → user (for `recipient.message_id`). */
  readonly inbound = new Map<string, string>();
  readonly attachments = new Set<string>();
  readonly fileTokens = new Set<string>();
  readonly sent: FakeSentMessage[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  sendCs(body: unknown): Envelope {
    if (!isRecord(body)) return FAIL(-201, 'Parameters are invalid: body must be JSON');
    const { recipient, message } = body;
    if (!isRecord(recipient) || !isRecord(message)) return FAIL(-201, 'Parameters are invalid: recipient and message are required');
    const userId = this.resolveRecipient(recipient);
    if (userId === null) return FAIL(-201, 'Parameters are invalid: recipient needs user_id or a known message_id');
    const shapeProblem = this.checkMessage(message);
    if (shapeProblem) return FAIL(-201, `Parameters are invalid: ${shapeProblem}`);
    const code = this.userErrors.get(userId);
    if (code !== undefined) return FAIL(code, describe(code));
    const messageId = newZaloMessageId();
    this.sent.push({ kind: 'cs', at: this.now(), messageId, userId, recipient, message });
    return OK({ message_id: messageId, user_id: userId });
  }

  /**
   * `POST /v3.0/oa/message/promotion` with Zalo's rules: `recipient.user_id` only; a `promotion`
   * template; followers only (a user set with `follower: false` → −213; users the fake was not
   * told about count as followers); 06:00–21:59 Vietnam time on the fake's clock (else −234);
   * one per user per Vietnam day (else −218, the table's per-recipient limit: the exact code
   * Zalo uses for this is not in our sources).
   * ref: channels.md §2.6, §2.9 ; zalo-java-sdk src/test/java/v3/SendPromotionMessage.java
   */
  sendPromotion(body: unknown): Envelope {
    if (!isRecord(body)) return FAIL(-201, 'Parameters are invalid: body must be JSON');
    const { recipient, message } = body;
    if (!isRecord(recipient) || !isRecord(message)) return FAIL(-201, 'Parameters are invalid: recipient and message are required');
    if (typeof recipient.user_id !== 'string' || !recipient.user_id) return FAIL(-201, 'Parameters are invalid: a promotion goes to recipient.user_id');
    const userId = recipient.user_id;
    const shapeProblem = checkPromotion(message);
    if (shapeProblem) return FAIL(-201, `Parameters are invalid: ${shapeProblem}`);
    const code = this.userErrors.get(userId);
    if (code !== undefined) return FAIL(code, describe(code));
    if (this.users.get(userId)?.follower === false) return FAIL(-213, describe(-213));
    const at = this.now();
    const vn = new Date(at + VIETNAM_OFFSET_MS);
    if (vn.getUTCHours() < 6 || vn.getUTCHours() >= 22) return FAIL(-234, describe(-234));
    const day = vn.toISOString().slice(0, 10);
    if (this.sent.some((m) => m.kind === 'promotion' && m.userId === userId && new Date(m.at + VIETNAM_OFFSET_MS).toISOString().slice(0, 10) === day)) {
      return FAIL(-218, describe(-218));
    }
    const messageId = newZaloMessageId();
    this.sent.push({ kind: 'promotion', at, messageId, userId, recipient, message });
    return OK({ message_id: messageId, user_id: userId });
  }

  upload(kind: 'image' | 'file', size: number): Envelope {
    const limit = kind === 'image' ? 1024 * 1024 : 5 * 1024 * 1024;
    if (size === 0) return FAIL(-201, 'Parameters are invalid: file is required');
    if (size > limit) return FAIL(-201, `Parameters are invalid: file is larger than ${limit} bytes`);
    const value = randomBytes(12).toString('hex');
    if (kind === 'image') {
      this.attachments.add(value);
      return OK({ attachment_id: value });
    }
    this.fileTokens.add(value);
    return OK({ token: value });
  }

  userDetail(dataParam: string | undefined): Envelope {
    let userId: unknown;
    try {
      userId = (JSON.parse(dataParam ?? '') as { user_id?: unknown }).user_id;
    } catch {
      return FAIL(-201, 'Parameters are invalid: data must be JSON {"user_id": …}');
    }
    const user = typeof userId === 'string' ? this.users.get(userId) : undefined;
    if (typeof userId !== 'string' || !user) return FAIL(-201, 'Parameters are invalid: user not found');
    if (user.follower === false) return FAIL(-213, describe(-213));
    return OK({
      user_id: userId,
      user_id_by_app: `${userId}1`,
      display_name: user.displayName,
      avatar: user.avatar,
      avatars: user.avatar ? { '120': user.avatar, '240': user.avatar } : {},
      user_is_follower: true,
      user_last_interaction_date: '05/01/2026',
      shared_info: user.phone === undefined ? null : { phone: user.phone },
    });
  }

  private resolveRecipient(recipient: Record<string, unknown>): string | null {
    if (typeof recipient.user_id === 'string' && recipient.user_id) return recipient.user_id;
    if (typeof recipient.message_id === 'string') return this.inbound.get(recipient.message_id) ?? null;
    return null;
  }

  private checkMessage(m: Record<string, unknown>): string | null {
    if (m.attachment === undefined) {
      if (typeof m.text !== 'string' || m.text.length === 0) return 'message.text is required';
      return m.text.length > 2000 ? 'message.text is longer than 2000 characters' : null;
    }
    if (m.text !== undefined && (typeof m.text !== 'string' || m.text.length > 2000)) return 'message.text must be a string of at most 2000 characters';
    const a = m.attachment;
    if (!isRecord(a) || !isRecord(a.payload)) return 'message.attachment.payload is required';
    if (a.type === 'file') return typeof a.payload.token === 'string' && this.fileTokens.has(a.payload.token) ? null : 'unknown file token (upload it first)';
    if (a.type !== 'template' || a.payload.template_type !== 'media') return 'only media templates and files are simulated';
    const elements = a.payload.elements;
    if (!Array.isArray(elements) || elements.length !== 1 || !isRecord(elements[0])) return 'media template needs exactly one element';
    const e = elements[0];
    if (e.media_type !== 'image' && e.media_type !== 'sticker') return 'media_type must be image or sticker';
    if (typeof e.url === 'string') return /^https?:\/\//.test(e.url) ? null : 'element.url must be http(s)';
    if (typeof e.attachment_id === 'string') return e.media_type === 'sticker' || this.attachments.has(e.attachment_id) ? null : 'unknown attachment_id';
    return 'element needs url or attachment_id';
  }
}

/** Vietnam is UTC+7 all year (no DST). */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const ELEMENT_TYPES = new Set(['banner', 'header', 'text', 'table']);
const BUTTON_TYPES = new Set(['oa.open.url', 'oa.query.show', 'oa.query.hide', 'oa.open.phone', 'oa.open.sms']);

/** The promotion template's shape, as the SDK example builds it. */
function checkPromotion(m: Record<string, unknown>): string | null {
  const a = m.attachment;
  if (!isRecord(a) || a.type !== 'template' || !isRecord(a.payload)) return 'message.attachment must be a template';
  const p = a.payload;
  if (p.template_type !== 'promotion') return 'template_type must be promotion';
  if (!Array.isArray(p.elements) || p.elements.length === 0) return 'elements are required';
  for (const e of p.elements) {
    if (!isRecord(e) || typeof e.type !== 'string' || !ELEMENT_TYPES.has(e.type)) return 'element.type must be banner, header, text or table';
    if (e.type === 'banner' && typeof e.image_url !== 'string' && typeof e.attachment_id !== 'string') return 'a banner needs image_url or attachment_id';
    if (e.type === 'banner' && typeof e.image_url === 'string' && !/^https?:\/\//.test(e.image_url)) return 'banner image_url must be http(s)';
    if ((e.type === 'header' || e.type === 'text') && (typeof e.content !== 'string' || e.content.length === 0)) return `a ${e.type} needs content`;
  }
  if (p.buttons !== undefined) {
    if (!Array.isArray(p.buttons) || p.buttons.length > 4) return 'at most 4 buttons';
    for (const b of p.buttons) {
      if (!isRecord(b) || typeof b.type !== 'string' || !BUTTON_TYPES.has(b.type) || typeof b.title !== 'string' || b.payload === undefined) return 'a button needs type, title and payload';
    }
  }
  return null;
}

const DESCRIPTIONS: Record<number, string> = {
  [-32]: 'Reached limit call api',
  [-100]: 'attachment_id was expired',
  [-213]: 'User has not followed OA',
  [-216]: 'Access token is invalid',
  [-217]: 'User has blocked invitations',
  [-218]: 'User has reached the limit of messages they can receive',
  [-220]: 'access_token is expired or removed',
  [-227]: 'User was banned or has been inactive for more than 45 days',
  [-230]: 'User has not interacted with the OA in the past 7 days',
  [-232]: 'User has not interacted or the interaction has expired',
  [-234]: 'Cannot send this message at night',
  [-244]: 'User has restricted this message type',
};

export function describe(code: number): string {
  return DESCRIPTIONS[code] ?? `Simulated error ${code}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
