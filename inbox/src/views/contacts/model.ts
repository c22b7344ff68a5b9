/**
 * Shapes of the contacts, segments, campaigns and follow-ups API (docs/contacts-campaigns-api.md,
 * issue #11) as the inbox uses them, and the small helpers the screens share.
 */
import * as api from '../../api';
import { lang } from '../../i18n';

export type ChannelId = 'widget' | 'messenger' | 'zalo';
export const CHANNEL_IDS: readonly ChannelId[] = ['widget', 'messenger', 'zalo'];

export type AttributeValue = string | number | boolean;

export interface Contact {
  id: number;
  name: string | null;
  phone: string | null;
  phoneE164: string | null;
  phoneVerified: boolean;
  email: string | null;
  emailVerified: boolean;
  avatarUrl: string | null;
  notes: string | null;
  labels: string[];
  attributes: Record<string, AttributeValue>;
  channels: string[];
  lastActivityAt: string | null;
  createdAt: string;
  mergedIntoId: number | null;
}

export interface Identity {
  id: number;
  channel: string;
  accountId: string;
  externalId: string;
  inboxId: number | null;
  inboxName: string | null;
  follower: boolean | null;
}

export interface ConversationSummary {
  id: number;
  inboxId: number;
  inboxName: string;
  channel: string;
  status: string;
  createdAt: string;
  lastMessageAt: string | null;
  lastMessageText: string | null;
}

export interface Merge {
  id: number;
  survivorId: number;
  mergedId: number;
  mergedName: string | null;
  reason: 'agent' | 'auto';
  agentId: number | null;
  createdAt: string;
  undoneAt: string | null;
}

export interface ContactRecord {
  contact: Contact;
  identities: Identity[];
  conversations: ConversationSummary[];
  merges: Merge[];
}

export interface TimelineMessage {
  id: number;
  conversationId: number;
  inboxId: number;
  channel: string;
  direction: 'in' | 'out';
  senderType: string;
  text: string | null;
  content: { type: string; text?: string; caption?: string; name?: string; title?: string } | null;
  private: boolean;
  status: string;
  sentAt: string;
}

export type MergeReason = 'phone' | 'email';
export interface PairSuggestion {
  a: Contact;
  b: Contact;
  reasons: MergeReason[];
}
export interface ContactSuggestion {
  contact: Contact;
  reasons: MergeReason[];
}

export interface ImportReport {
  created: number;
  updated: number;
  rejected: { line: number; reason: string }[];
}

export interface AttributeCondition {
  key: string;
  op: 'eq' | 'neq' | 'exists';
  value?: AttributeValue;
}

export interface SegmentFilter {
  labels?: string[];
  channels?: ChannelId[];
  inboxIds?: number[];
  lastActivity?: { withinDays?: number; olderThanDays?: number };
  zaloFollower?: boolean;
  attributes?: AttributeCondition[];
}

export interface Segment {
  id: number;
  name: string;
  filter: SegmentFilter;
  contactCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface CampaignContent {
  text: string;
  imageUrl?: string;
  quickReplies?: string[];
}

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';

export interface Campaign {
  id: number;
  name: string;
  segmentId: number | null;
  filter: SegmentFilter | null;
  inboxIds: number[];
  content: CampaignContent;
  status: CampaignStatus;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

export interface ChannelPreview {
  reachable: number;
  later: number;
  skipped: Record<string, number>;
}
export interface CampaignPreview {
  /** Recipients: one per contact and channel (inbox) it can be sent on. */
  total: number;
  /** Contacts in the segment (the server gives it beside the contract's `total`). */
  contacts?: number;
  channels: Record<string, ChannelPreview>;
}

export interface ReportFigures {
  total: number;
  skipped: Record<string, number>;
  waiting: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: Record<string, number>;
  replied: number;
  /** Sends whose outcome is not known (the request left, no answer). */
  unknown?: number;
}
export interface CampaignReport extends ReportFigures {
  byChannel: Record<string, ReportFigures>;
}

export interface Recipient {
  contactId: number;
  contactName: string | null;
  inboxId: number;
  channel: string;
  status: string;
  reason: string | null;
  notBefore: string | null;
  sentAt: string | null;
  repliedAt: string | null;
}

export interface FollowUp {
  id: number;
  conversationId: number;
  agentId: number | null;
  text: string;
  dueAt: string;
  status: 'scheduled' | 'sent' | 'blocked' | 'cancelled';
  reason: string | null;
  messageId: number | null;
  createdAt: string;
}

/** Supervisors and admins: import/export, segments and campaigns (the API answers agents 403). */
export function isSupervisor(role: string | undefined): boolean {
  return role === 'admin' || role === 'supervisor';
}

/** Sum of a `{ reason: count }` map. */
export function sumOf(map: Record<string, number> | undefined | null): number {
  return Object.values(map ?? {}).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
}

export const VN_ZONE = 'Asia/Ho_Chi_Minh';
/** Vietnam has no daylight saving time: always UTC+7. */
const VN_OFFSET_MS = 7 * 3_600_000;

/** An instant shown in Vietnam time, whatever the browser's zone: "23/11/2026 14:30". */
export function vnDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(lang() === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: VN_ZONE, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** `YYYY-MM-DD` and `HH:MM` read as Vietnam wall time → the instant (ISO), or null when incomplete. */
export function vnWallToIso(date: string, time: string): string | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!dm || !tm) return null;
  const ms = Date.UTC(Number(dm[1]), Number(dm[2]) - 1, Number(dm[3]), Number(tm[1]), Number(tm[2])) - VN_OFFSET_MS;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The Vietnam wall date and time of an instant (for the schedule inputs). */
export function isoToVnWall(at: number): { date: string; time: string } {
  const d = new Date(at + VN_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return { date: `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`, time: `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}` };
}

/** Labels typed as "vip, bảo hành; tết" → ["vip", "bảo hành", "tết"] (trimmed, no duplicates). */
export function splitLabels(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

export const contactsApi = {
  list: (params: { q?: string; label?: string; channel?: string; cursor?: string | null; limit?: number }) =>
    api.get<{ contacts: Contact[]; nextCursor: string | null }>(`/contacts${api.qs({ q: params.q, label: params.label, channel: params.channel, cursor: params.cursor, limit: params.limit ?? 50 })}`),
  get: (id: number) => api.get<ContactRecord>(`/contacts/${id}`),
  timeline: (id: number, before: number | null) => api.get<{ messages: TimelineMessage[]; nextBefore: number | null }>(`/contacts/${id}/timeline${api.qs({ before, limit: 50 })}`),
  update: (id: number, body: Partial<Pick<Contact, 'name' | 'phone' | 'email' | 'phoneVerified' | 'emailVerified' | 'notes' | 'labels' | 'attributes' | 'avatarUrl'>>) => api.patch<{ contact: Contact }>(`/contacts/${id}`, body),
  suggestionsFor: (id: number) => api.get<{ suggestions: ContactSuggestion[] }>(`/contacts/${id}/merge-suggestions`),
  suggestions: () => api.get<{ suggestions: PairSuggestion[] }>('/contact-merge-suggestions?limit=50'),
  merge: (survivorId: number, otherId: number) => api.post<{ merge: Merge; contact: Contact }>(`/contacts/${survivorId}/merge`, { otherId }),
  undoMerge: (mergeId: number) => api.post<{ contact: Contact; restored: Contact }>(`/contact-merges/${mergeId}/undo`),
  importCsv: (csv: string) => api.post<ImportReport>('/contacts/import', undefined, { rawBody: csv, contentType: 'text/csv' }),
  exportHref: `${api.API_BASE}/contacts/export.csv`,
};

export const campaignsApi = {
  segments: () => api.get<{ segments: Segment[] }>('/segments'),
  createSegment: (name: string, filter: SegmentFilter) => api.post<{ segment: Segment }>('/segments', { name, filter }),
  updateSegment: (id: number, name: string, filter: SegmentFilter) => api.patch<{ segment: Segment }>(`/segments/${id}`, { name, filter }),
  deleteSegment: (id: number) => api.del(`/segments/${id}`),
  previewSegment: (filter: SegmentFilter) => api.post<{ total: number; contacts: Contact[] }>('/segments/preview', { filter }),
  list: () => api.get<{ campaigns: Campaign[] }>('/campaigns'),
  get: (id: number) => api.get<{ campaign: Campaign; report: CampaignReport | null }>(`/campaigns/${id}`),
  create: (body: { name: string; segmentId?: number; filter?: SegmentFilter; inboxIds: number[]; content: CampaignContent }) => api.post<{ campaign: Campaign }>('/campaigns', body),
  update: (id: number, body: { name: string; segmentId?: number; filter?: SegmentFilter; inboxIds: number[]; content: CampaignContent }) => api.patch<{ campaign: Campaign }>(`/campaigns/${id}`, body),
  preview: (id: number) => api.get<CampaignPreview>(`/campaigns/${id}/preview`),
  send: (id: number, at?: string) => api.post<{ campaign: Campaign }>(`/campaigns/${id}/send`, at ? { at } : {}),
  cancel: (id: number) => api.post<{ campaign: Campaign }>(`/campaigns/${id}/cancel`),
  recipients: (id: number, status: string, cursor: string | null) =>
    api.get<{ recipients: Recipient[]; nextCursor: string | null }>(`/campaigns/${id}/recipients${api.qs({ status, cursor, limit: 50 })}`),
};

export const followUpsApi = {
  list: (conversationId: number) => api.get<{ followUps: FollowUp[] }>(`/conversations/${conversationId}/follow-ups`),
  create: (conversationId: number, body: { text: string; afterDays?: number; dueAt?: string }) => api.post<{ followUp: FollowUp }>(`/conversations/${conversationId}/follow-ups`, body),
  cancel: (id: number) => api.del(`/follow-ups/${id}`),
};
