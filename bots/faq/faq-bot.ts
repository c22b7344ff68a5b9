import type { Bot, BotDecision, BotTurn } from '../../src/core/bot';
import type { MessageContent } from '../../src/core/message';
import { classifyFeedback, FEEDBACK_PAYLOADS } from './feedback';
import { createFaqMatcher, type FaqMatcher, type FaqMatcherOptions } from './matcher';
import type { FaqEntry, MatchResult } from './types';
import { botTexts, detectLang, type Lang } from './bot-texts';

/** An FAQ entry with where it applies: one inbox, or every inbox (null). */
export interface StoredFaqEntry extends FaqEntry {
  inboxId: number | null;
}

interface InboxIndex {
  matcher: FaqMatcher;
  entries: Map<string, StoredFaqEntry>;
}

/**
 * The built-in FAQ bot: answers what it is sure of, asks whether the answer helped, and
 * hands off on a request for a person, on low confidence, on "no", and on anything it
 * cannot read (images, files). One index per inbox (its own entries plus the shared
 * ones), built on first use and updated entry by entry when the FAQ is edited.
 */
export class FaqBot implements Bot {
  readonly name = 'faq';
  private readonly matchers = new Map<number, Promise<InboxIndex>>();

  constructor(
    private readonly loadEntries: (inboxId: number) => Promise<StoredFaqEntry[]>,
    private readonly options: FaqMatcherOptions = {},
  ) {}

  /** Keep every built index in step with an edit (create/update). */
  async upserted(entry: StoredFaqEntry): Promise<void> {
    for (const [inboxId, pending] of this.matchers) {
      const index = await pending;
      if (entry.inboxId === null || entry.inboxId === inboxId) {
        index.matcher.upsert(entry);
        index.entries.set(entry.id, entry);
      } else {
        index.matcher.remove(entry.id);
        index.entries.delete(entry.id);
      }
    }
  }

  async removed(id: string): Promise<void> {
    for (const pending of this.matchers.values()) {
      const index = await pending;
      index.matcher.remove(id);
      index.entries.delete(id);
    }
  }

  /** Forget every index (after a bulk import); they are rebuilt on next use. */
  reset(): void {
    this.matchers.clear();
  }

  async match(inboxId: number, question: string): Promise<MatchResult> {
    return (await this.matcherFor(inboxId)).matcher.matchAsync(question);
  }

  async decide(turn: BotTurn): Promise<BotDecision> {
    const { content } = turn;
    const lang = detectLang(turn.text, turn.lang);
    const t = botTexts(lang);
    const payload = content.type === 'quick_reply' || content.type === 'postback' ? content.payload : null;
    const text = payload === FEEDBACK_PAYLOADS.yes || payload === FEEDBACK_PAYLOADS.no ? payload : turn.text.trim();

    if (content.type === 'sticker') return { type: 'none', state: turn.state };
    if (!text) return { type: 'handoff', reason: 'rule', content: [{ type: 'text', text: t.cannotRead }], state: {} };

    if (turn.state.awaiting === 'feedback') {
      const feedback = classifyFeedback(numberedReply(text));
      if (feedback === 'yes') return { type: 'resolve', content: [{ type: 'text', text: t.thanks }], state: {} };
      if (feedback === 'no') return { type: 'handoff', reason: 'negative_feedback', content: [{ type: 'text', text: t.sorryHandoff }], state: {} };
    }

    const result = await this.match(turn.inboxId, text);
    if (result.action === 'answer' && result.faqId) {
      const entry = (await this.matcherFor(turn.inboxId)).entries.get(result.faqId);
      if (entry) {
        const answerLang: Lang = entry.lang === 'en' ? 'en' : lang;
        return {
          type: 'answer',
          faqId: result.faqId,
          confidence: result.confidence,
          content: [{ type: 'text', text: entry.answer }, feedbackQuestion(botTexts(answerLang), turn.capabilities.quickReplies)],
          state: { awaiting: 'feedback', faqId: result.faqId },
        };
      }
    }
    if (result.reason === 'requested') return { type: 'handoff', reason: 'requested', content: [{ type: 'text', text: t.requested }], state: {} };
    if (result.reason === 'empty') return { type: 'none', state: turn.state };
    return { type: 'handoff', reason: 'low_confidence', content: [{ type: 'text', text: t.lowConfidence }], state: {} };
  }

  private matcherFor(inboxId: number): Promise<InboxIndex> {
    let m = this.matchers.get(inboxId);
    if (!m) {
      m = this.loadEntries(inboxId).then((entries) => ({
        matcher: createFaqMatcher(entries, this.options),
        entries: new Map(entries.map((e) => [e.id, e])),
      }));
      this.matchers.set(inboxId, m);
      m.catch(() => this.matchers.delete(inboxId));
    }
    return m;
  }
}

/** "Did it help?" as buttons where the channel has them, as numbered text where it doesn't. */
function feedbackQuestion(t: ReturnType<typeof botTexts>, quickReplies: number | false): MessageContent {
  if (quickReplies && quickReplies >= 2) {
    return { type: 'text', text: t.didItHelp, quickReplies: [{ title: t.yes, payload: FEEDBACK_PAYLOADS.yes }, { title: t.no, payload: FEEDBACK_PAYLOADS.no }] };
  }
  return { type: 'text', text: `${t.didItHelp} ${t.numbered}` };
}

/** Where the question was asked as numbered text: "1" means yes, "2" means no. */
function numberedReply(text: string): string {
  if (/^1\W*$/.test(text)) return FEEDBACK_PAYLOADS.yes;
  if (/^2\W*$/.test(text)) return FEEDBACK_PAYLOADS.no;
  return text;
}
