import type { MessageContent } from '../../src/core/message';
import type { MessageView } from '../../src/pipeline/channel-directory';
import { uploadIdOf, type UploadStore } from '../../src/uploads/upload-store';
import type { WidgetContent, WidgetMessage } from './protocol';

/** Render a stored message for the visitor: uploads become signed links, unknown types a text note. */
export function toWidgetMessage(view: MessageView, uploads: UploadStore, publicUrl: string): WidgetMessage {
  const clientPrefix = view.direction === 'in' && view.externalId ? view.externalId.split(':').at(-1) ?? null : null;
  return {
    id: view.id,
    clientId: clientPrefix,
    direction: view.direction,
    senderType: view.senderType,
    senderName: view.senderName,
    content: toWidgetContent(view.content, uploads, publicUrl),
    status: view.status,
    createdAt: view.createdAt.toISOString(),
  };
}

export function toWidgetContent(content: MessageContent, uploads: UploadStore, publicUrl: string): WidgetContent {
  const link = (url: string) => {
    const id = uploadIdOf(url);
    return id ? uploads.signedUrl(publicUrl, id) : url;
  };
  switch (content.type) {
    case 'text':
      return content.quickReplies ? { type: 'text', text: content.text, quickReplies: content.quickReplies } : { type: 'text', text: content.text };
    case 'quick_reply':
      return { type: 'quick_reply', text: content.text, payload: content.payload };
    case 'image':
      return content.caption ? { type: 'image', url: link(content.url), caption: content.caption } : { type: 'image', url: link(content.url) };
    case 'file':
      return { type: 'file', url: link(content.url), ...(content.name ? { name: content.name } : {}), ...(content.size ? { size: content.size } : {}) };
    case 'postback':
      return { type: 'text', text: content.title ?? content.payload };
    case 'location':
      return { type: 'text', text: `📍 ${content.label ?? `${content.lat}, ${content.lng}`}` };
    default:
      return { type: 'other', text: `[${content.type}]` };
  }
}
