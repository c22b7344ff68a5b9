import { z } from 'zod';
import type { MessageContent } from '../core/message';

/**
 * What a campaign says (docs/contacts-campaigns-api.md): a text of at most 2000 characters
 * (Messenger's and Zalo's limit), optionally an https image or up to 3 quick replies.
 */
export const campaignContentSchema = z
  .object({
    text: z.string().trim().min(1).max(2000),
    imageUrl: z
      .string()
      .max(2048)
      .url()
      .refine((u) => u.startsWith('https://'), 'must be an https:// URL')
      .optional(),
    quickReplies: z.array(z.string().trim().min(1).max(20)).max(3).optional(),
  })
  .strict()
  .refine((c) => !(c.imageUrl && c.quickReplies && c.quickReplies.length > 0), { message: 'a campaign has an image or quick replies, not both', path: ['quickReplies'] });

export type CampaignContent = z.infer<typeof campaignContentSchema>;

/**
 * The one core message a campaign becomes — one, because the delivery report follows one
 * message per recipient and Zalo allows one promotion a day per user: the text with its
 * quick replies (payload = title: a tap reads like typing it), or, with an image, the image
 * with the text as its caption (the core model has no image with buttons, hence the schema
 * refuses an image together with quick replies).
 */
export function campaignMessage(content: CampaignContent): MessageContent {
  if (content.imageUrl) return { type: 'image', url: content.imageUrl, caption: content.text };
  const quickReplies = content.quickReplies?.map((title) => ({ title, payload: title }));
  return { type: 'text', text: content.text, ...(quickReplies && quickReplies.length > 0 ? { quickReplies } : {}) };
}
