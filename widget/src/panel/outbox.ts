import type { VisitorContent, WidgetError, WidgetMessage } from '../../../channels/widget/protocol';
import { newClientId } from './ids';
import type { OutboxItem, VisitorStorage } from './storage';

/** How one send attempt ended. */
export type SendOutcome =
  | { kind: 'stored'; message: WidgetMessage }
  | { kind: 'rejected'; error: WidgetError }
  /** No ack within the time limit while connected. */
  | { kind: 'timeout' }
  /** Not connected, or the connection dropped before the ack: try again on reconnect. */
  | { kind: 'offline' };

/**
 * The visitor's unacknowledged messages, persisted so a reload or a dropped connection
 * loses nothing. Sent one at a time, oldest first, so the server stores them in the
 * order they were written; a resend after a lost ack is harmless (the server dedupes
 * by clientId).
 */
export class Outbox {
  private items: OutboxItem[];
  private inFlight: string | null = null;

  constructor(
    private readonly storage: VisitorStorage,
    private readonly send: (item: OutboxItem) => Promise<SendOutcome>,
    private readonly onStored: (message: WidgetMessage) => void,
    private readonly onChange: () => void,
  ) {
    this.items = storage.outbox();
  }

  list(): readonly OutboxItem[] {
    return this.items;
  }

  add(content: VisitorContent, label?: string): OutboxItem {
    const item: OutboxItem = { clientId: newClientId(), content, createdAt: new Date().toISOString(), state: 'sending', ...(label ? { label } : {}) };
    this.items.push(item);
    this.changed();
    this.pump();
    return item;
  }

  retry(clientId: string): void {
    const item = this.items.find((i) => i.clientId === clientId);
    if (!item || item.state !== 'failed') return;
    item.state = 'sending';
    this.changed();
    this.pump();
  }

  /** Messages the server already has (seen in a sync or live event) leave the queue. */
  settle(messages: readonly WidgetMessage[]): void {
    const stored = new Set(messages.map((m) => m.clientId).filter((id): id is string => Boolean(id)));
    const before = this.items.length;
    this.items = this.items.filter((i) => !stored.has(i.clientId));
    if (this.items.length !== before) this.changed();
  }

  /** Send the next waiting message, if any and none is in flight. */
  pump(): void {
    if (this.inFlight) return;
    const next = this.items.find((i) => i.state === 'sending');
    if (!next) return;
    this.inFlight = next.clientId;
    void this.send(next).then((outcome) => {
      this.inFlight = null;
      const still = this.items.includes(next);
      if (outcome.kind === 'stored') {
        this.items = this.items.filter((i) => i !== next);
        this.changed();
        this.onStored(outcome.message);
      } else if (outcome.kind === 'offline') {
        return; // stays queued; the next connect pumps again
      } else if (still) {
        next.state = 'failed';
        this.changed();
      }
      this.pump();
    });
  }

  private changed(): void {
    this.storage.saveOutbox(this.items);
    this.onChange();
  }
}
