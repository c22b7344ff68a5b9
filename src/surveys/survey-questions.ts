import type { ChannelCapabilities } from '../core/channel';
import type { MessageContent, QuickReply } from '../core/message';
import { SCALES, surveyPayload } from './survey-answers';
import type { SurveyKind, SurveyLanguage } from './survey-settings';

/**
 * What the contact sees, in the channel's own form: one quick reply per score where the
 * channel has buttons for all of them (widget, Messenger), else the same quick replies
 * that the channel degrades to numbered lines (Zalo: "1. Rất tệ" … "5. Rất tốt", the
 * number being the score), and for NPS on a channel without room for 11 buttons a plain
 * question answered with a number.
 */
const TEXTS = {
  vi: {
    csat: 'Bạn đánh giá cuộc trò chuyện này thế nào? (1–5)',
    csatByNumber: 'Bạn trả lời bằng một số từ 1 đến 5 nhé.',
    csatLabels: ['Rất tệ', 'Tệ', 'Bình thường', 'Tốt', 'Rất tốt'],
    nps: 'Bạn có sẵn lòng giới thiệu chúng tôi cho bạn bè, người thân không? (0 = không bao giờ, 10 = chắc chắn)',
    npsByNumber: 'Bạn trả lời bằng một số từ 0 đến 10 nhé.',
    comment: 'Cảm ơn bạn! Bạn có góp ý gì thêm không?',
    notSent: (kind: string, why: string) => `Khảo sát ${kind} không được gửi: ngoài khung nhắn tin của kênh. ${why}`,
  },
  en: {
    csat: 'How would you rate this conversation? (1–5)',
    csatByNumber: 'Please answer with a number from 1 to 5.',
    csatLabels: ['Very poor', 'Poor', 'OK', 'Good', 'Excellent'],
    nps: 'How likely are you to recommend us to a friend or relative? (0 = not at all, 10 = extremely likely)',
    npsByNumber: 'Please answer with a number from 0 to 10.',
    comment: 'Thank you! Is there anything else you would like to tell us?',
    notSent: (kind: string, why: string) => `${kind} survey not sent: outside the channel's messaging window. ${why}`,
  },
} as const;

export function surveyQuestion(kind: SurveyKind, lang: SurveyLanguage, capabilities: Pick<ChannelCapabilities, 'quickReplies'>): MessageContent {
  const t = TEXTS[lang];
  const { min, max } = SCALES[kind];
  const count = max - min + 1;
  const buttons = capabilities.quickReplies !== false && capabilities.quickReplies >= count;
  if (kind === 'csat') {
    const quickReplies: QuickReply[] = t.csatLabels.map((label, i) => ({
      // With buttons the score is on the button; degraded to numbered lines, the line's number is the score.
      title: buttons ? `${i + 1} – ${label}` : label,
      payload: surveyPayload('csat', i + 1),
    }));
    if (buttons) return { type: 'text', text: t.csat, quickReplies };
    if (capabilities.quickReplies === false) return { type: 'text', text: `${t.csat}\n${t.csatByNumber}`, quickReplies };
    return { type: 'text', text: `${t.csat}\n${t.csatByNumber}\n\n${quickReplies.map((q, i) => `${i + 1}. ${q.title}`).join('\n')}` };
  }
  if (buttons) {
    const quickReplies = Array.from({ length: count }, (_, i) => ({ title: String(min + i), payload: surveyPayload('nps', min + i) }));
    return { type: 'text', text: t.nps, quickReplies };
  }
  return { type: 'text', text: `${t.nps}\n${t.npsByNumber}` };
}

export function commentPrompt(lang: SurveyLanguage): MessageContent {
  return { type: 'text', text: TEXTS[lang].comment };
}

/** The private note agents see when a survey could not be sent. */
export function notSentNote(kind: SurveyKind, lang: SurveyLanguage, why: string): string {
  return TEXTS[lang].notSent(kind.toUpperCase(), why).trim();
}
