/** What the FAQ bot says, in Vietnamese (first) and English. */
export type Lang = 'vi' | 'en';

const TEXTS = {
  vi: {
    didItHelp: 'Câu trả lời có giúp bạn không?',
    numbered: 'Trả lời 1 (Có) hoặc 2 (Không).',
    yes: 'Có',
    no: 'Không',
    thanks: 'Cảm ơn bạn! Nếu cần thêm gì, bạn cứ nhắn cho chúng tôi nhé.',
    sorryHandoff: 'Xin lỗi vì chưa giúp được bạn. Mình chuyển bạn đến nhân viên tư vấn ngay nhé.',
    requested: 'Dạ, mình đang chuyển cuộc trò chuyện cho nhân viên tư vấn. Bạn vui lòng chờ trong giây lát nhé.',
    lowConfidence: 'Dạ, câu hỏi này mình xin chuyển cho nhân viên tư vấn để trả lời chính xác hơn. Bạn vui lòng chờ trong giây lát nhé.',
    cannotRead: 'Mình đã nhận được tệp của bạn và chuyển cho nhân viên tư vấn xem giúp nhé.',
  },
  en: {
    didItHelp: 'Did this answer help?',
    numbered: 'Reply 1 (Yes) or 2 (No).',
    yes: 'Yes',
    no: 'No',
    thanks: 'Thank you! Message us any time if you need anything else.',
    sorryHandoff: "Sorry that didn't help. Let me pass you to one of our agents.",
    requested: 'Sure — passing you to one of our agents now. Please wait a moment.',
    lowConfidence: "Let me pass this question to one of our agents so you get the right answer. Please wait a moment.",
    cannotRead: "We've received your file; one of our agents will take a look.",
  },
} as const;

export function botTexts(lang: Lang) {
  return TEXTS[lang];
}

const ENGLISH = /\b(the|how|what|when|where|can|do|does|is|are|you|your|my|i|to|a|an|of|for|please|hello|hi|thanks|want|need|have)\b/gi;

/** English when the text has no Vietnamese diacritics and reads as English; otherwise the inbox default. */
export function detectLang(text: string, fallback: Lang): Lang {
  if (/[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]/i.test(text)) return 'vi';
  const hits = text.match(ENGLISH)?.length ?? 0;
  return hits >= 2 ? 'en' : fallback;
}
