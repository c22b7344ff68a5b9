import type { WidgetMessage } from '../../../channels/widget/protocol';

/**
 * Merge messages by id (a later copy replaces an earlier one, e.g. a status change) and
 * keep them ordered by id — the server's order. History syncs, live events and acks
 * all go through here, so a message seen twice is shown once.
 */
export function mergeMessages(current: readonly WidgetMessage[], incoming: readonly WidgetMessage[]): WidgetMessage[] {
  if (incoming.length === 0) return current.slice();
  const byId = new Map<number, WidgetMessage>();
  for (const m of current) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

export function lastId(messages: readonly WidgetMessage[]): number {
  return messages.length ? messages[messages.length - 1]!.id : 0;
}

/** Messages from the business side (bot or agent) — the ones that count as unread. */
export function isFromBusiness(m: WidgetMessage): boolean {
  return m.direction === 'out' && (m.senderType === 'bot' || m.senderType === 'agent');
}

export function countUnread(messages: readonly WidgetMessage[], readUpTo: number): number {
  return messages.filter((m) => m.id > readUpTo && isFromBusiness(m)).length;
}
