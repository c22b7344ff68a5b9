import type { ChannelAdapter, ChannelAddress, ChannelHost, OutboundMessage, SendResult } from '../../src/core/channel';
import { toWidgetContent } from './to-widget-message';
import { widgetHttpRouter } from './http-routes';
import { attachWidgetSockets, conversationRoom, visitorRoom, type WidgetNamespace } from './socket-handlers';
import { WIDGET_NAMESPACE, type WidgetMessage } from './protocol';

/**
 * The website chat widget as a channel: visitors talk over Socket.IO (`/widget`), the
 * core sees normalized events like from any other channel, and replies come back
 * through `send`, pushed to the visitor's sockets. History is always re-synced on
 * connect, so a reply sent while the visitor was away is not lost.
 */
export function createWidgetChannel(): ChannelAdapter {
  let host: ChannelHost | null = null;
  let nsp: WidgetNamespace | null = null;

  const roomsOf = (address: ChannelAddress, conversationId: number) => [visitorRoom(address.accountId, address.externalUserId), conversationRoom(conversationId)];

  return {
    id: 'widget',
    capabilities: { quickReplies: 10, images: true, files: true, typingIndicator: true, maxTextLength: 5000 },

    async mount(h: ChannelHost) {
      host = h;
      const tokenSecret = await h.secret('widget-visitor-tokens');
      h.router.use(widgetHttpRouter({ host: h, tokenSecret }));
      nsp = h.io.of(WIDGET_NAMESPACE) as WidgetNamespace;
      attachWidgetSockets(nsp, h, tokenSecret);
      h.events.onCommit(
        async (event) => {
          if (event.channel !== 'widget' || !nsp) return;
          const status =
            event.type === 'conversation.status_changed' ? event.to
            : event.type === 'conversation.resolved' ? 'resolved'
            : event.type === 'conversation.reopened' ? event.to
            : event.type === 'conversation.created' ? event.status
            : null;
          if (!status) return;
          nsp.to(conversationRoom(event.conversationId)).emit('status', { status, agentsOnline: await h.directory.agentsOnline(event.inboxId) });
        },
        ['conversation.status_changed', 'conversation.resolved', 'conversation.reopened', 'conversation.created'],
      );
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      if (!host || !nsp) throw new Error('widget channel not mounted');
      const payload: WidgetMessage = {
        id: message.messageId,
        clientId: null,
        direction: 'out',
        senderType: message.senderType,
        senderName: message.senderName,
        content: toWidgetContent(message.content, host.uploads, host.publicUrl()),
        status: 'sent',
        createdAt: new Date().toISOString(),
      };
      nsp.to(roomsOf(message.address, message.conversationId)).emit('message', payload);
      return { externalId: `widget-out-${message.messageId}`, status: 'sent' };
    },

    async typing(address, conversationId, typing, senderName) {
      nsp?.to(roomsOf(address, conversationId)).emit('typing', { senderType: 'agent', name: senderName, typing });
    },

    async markRead(address, conversationId, lastReadId) {
      nsp?.to(roomsOf(address, conversationId)).emit('read', { lastReadId });
    },
  };
}
