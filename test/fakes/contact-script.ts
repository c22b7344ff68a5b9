import type { Gateway } from '../../src/server/gateway';
import type { ConversationStatus } from '../../src/core/conversation-state';
import { contentText, type MessageContent } from '../../src/core/message';
import type { FakeChannel } from './fake-channel';

/**
 * Fluent conversation tests through the fake channel:
 *   await contact(gw, fake, 'u1').says('giờ mở cửa?').expectReply(/8h/).says('gặp nhân viên').expectStatus('pending');
 * Steps run in order when the chain is awaited.
 */
export class ContactScript implements PromiseLike<void> {
  private readonly steps: (() => Promise<void>)[] = [];
  private seen = 0;

  constructor(
    private readonly gw: Gateway,
    private readonly fake: FakeChannel,
    readonly userId: string,
  ) {}

  says(content: string | MessageContent): this {
    this.steps.push(async () => {
      await this.fake.receive(this.userId, content);
    });
    return this;
  }

  /** The next message sent to this contact matches; returns its text via `lastReply`. */
  expectReply(pattern: RegExp | string, timeoutMs = 5000): this {
    this.steps.push(async () => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const sent = this.fake.sentTo(this.userId);
        if (sent.length > this.seen) {
          const text = contentText(sent[this.seen]!.content);
          this.seen++;
          const ok = typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
          if (ok) return;
          throw new Error(`expected a reply matching ${String(pattern)}, got "${text}"`);
        }
        if (Date.now() > deadline) throw new Error(`no reply matching ${String(pattern)} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    return this;
  }

  /** Skip replies until one matches (for multi-message answers). */
  expectSomeReply(pattern: RegExp, timeoutMs = 5000): this {
    this.steps.push(async () => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const sent = this.fake.sentTo(this.userId);
        while (this.seen < sent.length) {
          if (pattern.test(contentText(sent[this.seen++]!.content))) return;
        }
        if (Date.now() > deadline) throw new Error(`no reply matching ${String(pattern)} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    return this;
  }

  /** No (further) message reaches the contact within `ms`. */
  expectSilence(ms = 300): this {
    this.steps.push(async () => {
      await this.gw.dispatcher.idle();
      await new Promise((r) => setTimeout(r, ms));
      const extra = this.fake.sentTo(this.userId).slice(this.seen);
      if (extra.length > 0) throw new Error(`expected silence, got "${contentText(extra[0]!.content)}"`);
    });
    return this;
  }

  expectStatus(status: ConversationStatus): this {
    this.steps.push(async () => {
      const conv = await this.conversation();
      if (conv?.status !== status) throw new Error(`expected status ${status}, got ${conv?.status ?? 'no conversation'}`);
    });
    return this;
  }

  /** The contact's latest conversation on the fake's inbox. */
  async conversation() {
    return this.gw.db
      .selectFrom('conversations as c')
      .innerJoin('contact_identities as ci', 'ci.contact_id', 'c.contact_id')
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      .selectAll('c')
      .where('ci.external_id', '=', this.userId)
      .where('ci.channel', '=', this.fake.id)
      .where('i.channel', '=', this.fake.id)
      .orderBy('c.id', 'desc')
      .executeTakeFirst();
  }

  then<R1 = void, R2 = never>(onfulfilled?: ((value: void) => R1 | PromiseLike<R1>) | null, onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): PromiseLike<R1 | R2> {
    const run = async () => {
      const steps = this.steps.splice(0);
      for (const step of steps) await step();
    };
    return run().then(onfulfilled, onrejected);
  }
}

export function contact(gw: Gateway, fake: FakeChannel, userId: string): ContactScript {
  return new ContactScript(gw, fake, userId);
}
