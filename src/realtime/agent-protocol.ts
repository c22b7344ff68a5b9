/**
 * The agent inbox's realtime protocol (Socket.IO namespace `/agent`), shared by the
 * server and the web inbox. Authenticate with `auth: { token }` (the bearer token) or
 * the session cookie.
 */
export const AGENT_NAMESPACE = '/agent';

export interface AgentConversationEvent {
  type: string;
  conversationId: number;
  inboxId: number;
  channel: string;
  status: string | null;
  assigneeId: number | null;
  teamId: number | null;
  at: string;
}

export interface AgentMessageEvent {
  conversationId: number;
  inboxId: number;
  message: {
    id: number;
    direction: 'in' | 'out';
    senderType: string;
    senderId: number | null;
    content: unknown;
    private: boolean;
    status: string;
    error: string | null;
    createdAt: string;
  };
}

export interface AgentServerToClient {
  'conversation:event': (e: AgentConversationEvent) => void;
  message: (e: AgentMessageEvent) => void;
  'message:status': (e: { conversationId: number; messageId: number; status: string; error: string | null }) => void;
  'contact:typing': (e: { conversationId: number; typing: boolean }) => void;
  'contact:read': (e: { conversationId: number; lastReadId: number }) => void;
  'agent:typing': (e: { conversationId: number; agentId: number; name: string; typing: boolean }) => void;
  presence: (e: { agentId: number; status: 'online' | 'away' | 'offline' }) => void;
  /** A conversation waits for you (handoff assigned to you) or for your team too long. */
  notify: (e: { kind: 'assigned' | 'waiting'; conversationId: number; text: string }) => void;
  /** A follow-up you scheduled was not sent: the channel did not allow it at its time (src/follow-ups/). */
  'followup:blocked': (e: { followUpId: number; conversationId: number; reason: string; text: string; dueAt: string }) => void;
}

export interface AgentClientToServer {
  typing: (e: { conversationId: number; typing: boolean }) => void;
  'presence:set': (e: { status: 'online' | 'away' }) => void;
}
