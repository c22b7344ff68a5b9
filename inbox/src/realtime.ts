/**
 * The live connection: Socket.IO namespace `/agent` (protocol in
 * src/realtime/agent-protocol.ts), authenticated by the in-memory bearer token when we
 * have one, else by the session cookie (same origin).
 */
import { io, type Socket } from 'socket.io-client';
import type { AgentClientToServer, AgentServerToClient } from '../../src/realtime/agent-protocol';
import * as api from './api';
import {
  actedRecently,
  applyAgentTyping,
  applyContactRead,
  applyContactTyping,
  applyConversationEvent,
  applyLiveMessage,
  applyMessageStatus,
  applyPresence,
  conversationTitle,
  ensureConversation,
  openConversation,
  registerEmitters,
  registerRealtime,
  resync,
  type LiveMessage,
} from './actions';
import { t } from './i18n';
import { alertAgent, showToast } from './notify';
import { FOLLOW_UP_BLOCKED_EVENT } from './views/contacts/follow-ups';
import { reasonText, tc } from './views/contacts/strings';
import { getState, setState } from './store';
import type { AgentView } from './types';

type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;

let socket: AgentSocket | null = null;
let problemTimer = 0;

function connect(_agent: AgentView): void {
  disconnect();
  const token = api.bearerToken();
  const s: AgentSocket = io(`${location.origin}/agent`, {
    auth: token ? { token } : {},
    withCredentials: true,
    reconnectionDelayMax: 10_000,
  });
  socket = s;
  let everConnected = false;

  s.on('connect', () => {
    window.clearTimeout(problemTimer);
    setState({ connected: true, connectionProblem: false });
    if (getState().presence === 'away') s.emit('presence:set', { status: 'away' });
    if (everConnected && !s.recovered) resync();
    everConnected = true;
  });
  s.on('disconnect', () => {
    setState({ connected: false });
    window.clearTimeout(problemTimer);
    // Brief blips (a deploy, a network switch) should not flash a banner.
    problemTimer = window.setTimeout(() => setState({ connectionProblem: !getState().connected }), 4000);
  });
  s.on('connect_error', (err) => {
    if (err.message === 'UNAUTHENTICATED') {
      // Ask the API: a 401 there signs the inbox out with a notice.
      void api.get('/auth/me').catch(() => undefined);
      return;
    }
    window.clearTimeout(problemTimer);
    problemTimer = window.setTimeout(() => setState({ connectionProblem: !getState().connected }), 4000);
  });

  s.on('message', (e) => applyLiveMessage(e as unknown as LiveMessage));
  s.on('message:status', applyMessageStatus);
  s.on('conversation:event', (e) => {
    applyConversationEvent(e);
    if (actedRecently(e.conversationId)) return;
    if (e.type === 'bot.handoff' || (e.type === 'conversation.created' && e.status === 'pending')) {
      const key = e.type === 'bot.handoff' ? 'notifyHandoff' : 'notifyWaiting';
      // Name the contact: a new conversation is fetched first (its first message comes with it).
      void ensureConversation(e.conversationId).then(() => {
        alertAgent('conv', e.conversationId, t(key, { name: conversationTitle(e.conversationId) }), preview(e.conversationId), openFromAlert);
      });
    }
  });
  s.on('notify', (e) => {
    void ensureConversation(e.conversationId).then(() => {
      const name = conversationTitle(e.conversationId);
      const title = e.kind === 'assigned' ? t('notifyAssigned', { name }) : t('notifyWaiting', { name });
      alertAgent('conv', e.conversationId, title, preview(e.conversationId), openFromAlert);
    });
  });
  // A scheduled follow-up the channel no longer allowed (issue #11): told to the agent who scheduled it.
  s.on('followup:blocked', (e) => {
    showToast('error', tc('followUpBlocked', { reason: reasonText(e.reason) }), e.conversationId);
    window.dispatchEvent(new CustomEvent(FOLLOW_UP_BLOCKED_EVENT, { detail: e }));
  });
  s.on('contact:typing', applyContactTyping);
  s.on('agent:typing', applyAgentTyping);
  s.on('contact:read', applyContactRead);
  s.on('presence', applyPresence);
}

function preview(convId: number): string {
  return getState().convs[convId]?.preview ?? '';
}

function openFromAlert(convId: number): void {
  openConversation(convId);
}

function disconnect(): void {
  window.clearTimeout(problemTimer);
  if (socket) {
    socket.removeAllListeners();
    socket.disconnect();
    socket = null;
  }
  setState({ connected: false, connectionProblem: false });
}

registerRealtime(connect, disconnect);
registerEmitters(
  (status) => socket?.emit('presence:set', { status }),
  (conversationId, typing) => socket?.connected && socket.emit('typing', { conversationId, typing }),
);
