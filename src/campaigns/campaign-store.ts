import type { Selectable } from 'kysely';
import type { CampaignsTable } from '../store/schema';
import type { CampaignContent } from './campaign-content';
import type { SegmentFilter } from './segment-filter';

export type CampaignRow = Selectable<CampaignsTable>;

/** `Campaign` of docs/contacts-campaigns-api.md. */
export interface CampaignView {
  id: number;
  name: string;
  segmentId: number | null;
  filter: SegmentFilter;
  inboxIds: number[];
  content: CampaignContent;
  status: CampaignRow['status'];
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function campaignView(row: CampaignRow): CampaignView {
  return {
    id: row.id,
    name: row.name,
    segmentId: row.segment_id,
    filter: row.filter as SegmentFilter,
    inboxIds: row.inbox_ids,
    content: row.content as unknown as CampaignContent,
    status: row.status,
    scheduledAt: iso(row.scheduled_at),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    createdAt: iso(row.created_at)!,
  };
}
