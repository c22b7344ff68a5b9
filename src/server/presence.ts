import { EventEmitter } from 'node:events';
import type { PresenceView } from '../pipeline/channel-directory';

export type PresenceStatus = 'online' | 'away' | 'offline';

/**
 * Agents' presence on this node, kept by the agent realtime layer (connections count
 * per agent; away after a grace period without one).
 */
export class PresenceRegistry extends EventEmitter implements PresenceView {
  private readonly status = new Map<number, PresenceStatus>();

  /** Emits 'change' (agentId, status) when an agent's presence changes. */
  set(agentId: number, status: PresenceStatus): void {
    const before = this.get(agentId);
    if (status === 'offline') this.status.delete(agentId);
    else this.status.set(agentId, status);
    if (before !== status) this.emit('change', agentId, status);
  }

  get(agentId: number): PresenceStatus {
    return this.status.get(agentId) ?? 'offline';
  }

  onlineAgentIds(): ReadonlySet<number> {
    return new Set([...this.status].filter(([, s]) => s === 'online').map(([id]) => id));
  }
}
