import { z } from 'zod';
import { rowId } from '../api/row-id';

/** The channels a segment or campaign can name (docs/contacts-campaigns-api.md). */
export const CAMPAIGN_CHANNELS = ['widget', 'messenger', 'zalo'] as const;

const MAX_DAYS = 3650;
const attributeValue = z.union([z.string().max(500), z.number().finite(), z.boolean()]);

/**
 * A segment: who, among the contacts, a saved filter or a campaign means. Every part is
 * optional and every given part must hold (an empty filter is every contact). Contacts
 * merged into another are never part of a segment (their identities moved to the survivor).
 */
export const segmentFilterSchema = z
  .object({
    /** Has any of these labels. */
    labels: z.array(z.string().min(1).max(100)).min(1).max(50).optional(),
    /** Has an identity on any of these channels. */
    channels: z.array(z.enum(CAMPAIGN_CHANNELS)).min(1).optional(),
    /** Has an identity served by any of these inboxes (the inbox's channel and account). */
    inboxIds: z.array(rowId).min(1).max(100).optional(),
    /** Last activity = the newest `last_message_at` of the contact's conversations. */
    lastActivity: z
      .object({ withinDays: z.number().int().min(1).max(MAX_DAYS).optional(), olderThanDays: z.number().int().min(1).max(MAX_DAYS).optional() })
      .strict()
      .optional(),
    /** Follows (true) / does not follow (false) a Zalo OA: a Zalo identity with that `follower` value. */
    zaloFollower: z.boolean().optional(),
    attributes: z
      .array(
        z
          .object({ key: z.string().min(1).max(100), op: z.enum(['eq', 'neq', 'exists']), value: attributeValue.optional() })
          .strict()
          .refine((a) => a.op === 'exists' || a.value !== undefined, { message: '`value` is required for eq and neq', path: ['value'] }),
      )
      .max(20)
      .optional(),
  })
  .strict();

export type SegmentFilter = z.infer<typeof segmentFilterSchema>;
