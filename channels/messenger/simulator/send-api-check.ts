/**
 * What the fake Graph server checks in a `POST /me/messages` body, with Meta-like error
 * codes, so a malformed request fails in tests the way it would against Meta.
 * // ref: https://developers.facebook.com/docs/messenger-platform/reference/send-api
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/send-messages/sender-actions
 */

export interface GraphFailureSpec {
  /** HTTP status; default 400 (500 for codes 1 and 2). */
  status?: number;
  code: number;
  subcode?: number;
  message?: string;
  type?: string;
}

export const SENDER_ACTIONS = ['typing_on', 'typing_off', 'mark_seen', 'react', 'unreact'];
const MESSAGING_TYPES = ['RESPONSE', 'UPDATE', 'MESSAGE_TAG'];
/** Deprecated tags answer error 100 from 2026-04-27. */
const DEPRECATED_TAGS = ['CONFIRMED_EVENT_UPDATE', 'ACCOUNT_UPDATE', 'POST_PURCHASE_UPDATE'];
const ATTACHMENT_TYPES = ['image', 'audio', 'video', 'file', 'template'];

const bad = (message: string): GraphFailureSpec => ({ code: 100, message: `(#100) ${message}` });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkSendBody(body: unknown, opts: { humanAgent: boolean }): GraphFailureSpec | null {
  if (!isObj(body)) return bad('The request body must be a JSON object');
  const recipient = body.recipient;
  if (!isObj(recipient) || typeof recipient.id !== 'string' || recipient.id === '') return bad('The parameter recipient is required');
  if (body.sender_action !== undefined) {
    if (typeof body.sender_action !== 'string' || !SENDER_ACTIONS.includes(body.sender_action)) return bad('Param sender_action must be one of {typing_on, typing_off, mark_seen, react, unreact}');
    if (body.message !== undefined) return bad('sender_action cannot be sent with message');
    return null;
  }
  if (typeof body.messaging_type !== 'string' || !MESSAGING_TYPES.includes(body.messaging_type)) {
    return bad('Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
  }
  if (body.messaging_type === 'MESSAGE_TAG') {
    if (typeof body.tag !== 'string') return bad('Param tag is required when messaging_type is MESSAGE_TAG');
    if (DEPRECATED_TAGS.includes(body.tag)) return bad(`Tag ${body.tag} is no longer supported`);
    if (body.tag !== 'HUMAN_AGENT') return bad(`Param tag has an invalid value ${body.tag}`);
    if (!opts.humanAgent) return { code: 10, message: '(#10) This app does not have the Human Agent feature' };
  } else if (body.tag !== undefined) {
    return bad('Param tag is only allowed with messaging_type MESSAGE_TAG');
  }
  return checkMessage(body.message);
}

function checkMessage(message: unknown): GraphFailureSpec | null {
  if (!isObj(message)) return bad('The parameter message is required');
  const hasText = message.text !== undefined;
  const hasAttachment = message.attachment !== undefined;
  if (hasText === hasAttachment) return bad('Exactly one of message[text] or message[attachment] must be set');
  if (hasText && (typeof message.text !== 'string' || message.text.length === 0 || message.text.length > 2000)) {
    return bad('Length of param message[text] must be between 1 and 2000');
  }
  if (hasAttachment) {
    const a = message.attachment;
    if (!isObj(a) || typeof a.type !== 'string' || !ATTACHMENT_TYPES.includes(a.type)) return bad('Invalid message[attachment][type]');
    const p = a.payload;
    const ok = isObj(p) && ((typeof p.url === 'string' && /^https?:\/\//.test(p.url)) || p.attachment_id !== undefined || a.type === 'template');
    if (!ok) return bad('message[attachment][payload] needs a url or an attachment_id');
  }
  if (message.metadata !== undefined && (typeof message.metadata !== 'string' || message.metadata.length > 1000)) {
    return bad('Param message[metadata] must be a string of at most 1000 characters');
  }
  return message.quick_replies === undefined ? null : checkQuickReplies(message.quick_replies);
}

function checkQuickReplies(qr: unknown): GraphFailureSpec | null {
  if (!Array.isArray(qr) || qr.length === 0) return bad('param message[quick_replies] must be a non-empty array');
  if (qr.length > 13) return bad('param message[quick_replies] must have a maximum of 13 elements');
  for (const q of qr) {
    if (!isObj(q)) return bad('Invalid quick reply');
    if (q.content_type === 'user_phone_number' || q.content_type === 'user_email') continue;
    if (q.content_type !== 'text') return bad('Invalid quick reply content_type');
    if (typeof q.title !== 'string' || q.title.length === 0 || [...q.title].length > 20) return bad('Quick reply title must be 1 to 20 characters');
    if (typeof q.payload !== 'string' || q.payload.length === 0 || q.payload.length > 1000) return bad('Quick reply payload must be 1 to 1000 characters');
  }
  return null;
}
