import type { ChannelAdapter, ChannelCapabilities, ChannelHost, IngestResult, OutboundMessage, SendResult } from '../../src/core/channel';
import type { GatewayError } from '../../src/core/errors';
import type { MessageContent } from '../../src/core/message';

/** Shared by every instance: the nodes a test starts one after another on one database each have a fake, and a platform never reuses an id. */
let seq = 0;

/**
 * An in-memory channel for tests: drives the core with no HTTP. What the gateway sends
 * is recorded in `sent`; `failWith` makes the next sends fail with a coded error.
 */
export class FakeChannel implements ChannelAdapter {
  readonly id: string;
  readonly capabilities: ChannelCapabilities = { quickReplies: 3, images: true, files: true, typingIndicator: false, maxTextLength: 2000 };
  readonly sent: OutboundMessage[] = [];
  failWith: GatewayError | null = null;
  /** A campaign rule for tests (ChannelAdapter.campaignWindow); unset = always open, like the widget. */
  campaignWindow?: ChannelAdapter['campaignWindow'];
  private host: ChannelHost | null = null;

  constructor(
    readonly accountId = 'fake-account',
    id = 'fake',
  ) {
    this.id = id;
  }

  mount(host: ChannelHost): void {
    this.host = host;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
    return { externalId: `${this.id}-out-${++seq}`, status: 'sent' };
  }

  /** A contact message as the platform would deliver it (externalId defaults to a fresh one). */
  receive(userId: string, content: MessageContent | string, externalId?: string, sentAt = new Date()): Promise<IngestResult> {
    if (!this.host) throw new Error('FakeChannel not mounted: create the gateway first');
    return this.host.ingest({
      kind: 'message',
      channel: this.id,
      accountId: this.accountId,
      externalUserId: userId,
      externalId: externalId ?? `${this.id}-in-${++seq}`,
      sentAt,
      content: typeof content === 'string' ? { type: 'text', text: content } : content,
    });
  }

  /** Raw ingest, for feeding deliberately malformed events. */
  ingestRaw(event: unknown): Promise<IngestResult> {
    if (!this.host) throw new Error('FakeChannel not mounted');
    return this.host.ingest(event as never);
  }

  sentTo(userId: string): OutboundMessage[] {
    return this.sent.filter((m) => m.address.externalUserId === userId);
  }
}
