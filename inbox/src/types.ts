/** Shapes of the REST API (/api/v1) as the inbox uses them. */

export type Role = 'admin' | 'supervisor' | 'agent';
export type ConvStatus = 'bot' | 'pending' | 'open' | 'snoozed' | 'resolved';
export type Presence = 'online' | 'away' | 'offline';

export interface AgentView {
  id: number;
  email: string;
  name: string;
  role: Role;
}

export interface Agent extends AgentView {
  maxConversations: number;
  presence: Presence;
}

export interface Team {
  id: number;
  name: string;
  memberIds: number[];
}

export interface InboxSettings {
  routing?: 'round_robin' | 'least_busy' | 'manual';
  prechat?: { name?: PrechatMode; phone?: PrechatMode; email?: PrechatMode };
  allowedOrigins?: string[];
  greeting?: string | null;
  [key: string]: unknown;
}
export type PrechatMode = 'off' | 'optional' | 'required';

export interface Inbox {
  id: number;
  channel: string;
  accountId: string;
  name: string;
  botEnabled: boolean;
  teamId: number | null;
  settings: InboxSettings;
  memberIds?: number[];
}

export interface ConvItem {
  id: number;
  inboxId: number;
  channel: string;
  status: ConvStatus;
  contact: { id: number; name: string | null };
  assigneeId: number | null;
  teamId: number | null;
  lastMessageAt: string | null;
  unread: number;
  /** Client-side only: a short preview of the last message seen live. */
  preview?: string;
}

export interface ConvDetail {
  id: number;
  inboxId: number;
  inboxName: string;
  channel: string;
  status: ConvStatus;
  contact: { id: number; name: string | null; phone: string | null; email: string | null; avatarUrl: string | null };
  assigneeId: number | null;
  teamId: number | null;
  createdAt: string;
  lastMessageAt: string | null;
  lastInboundAt: string | null;
  snoozedUntil: string | null;
  reopenCount: number;
  /** Why the inbox's channel account cannot send (token expired or revoked: reconnect it); null when fine. */
  connectionProblem?: string | null;
  /** The channel's messaging window for a reply now (Messenger 24 h / Human Agent, Zalo 7 days and free replies); null: no limit. */
  replyWindow?: { canReply: boolean; closesAt: string | null; freeRepliesLeft: number | null; note: string } | null;
}

export interface MessageContent {
  type: string;
  text?: string;
  url?: string;
  name?: string;
  caption?: string;
  size?: number;
  mimeType?: string;
  title?: string;
  payload?: string;
  label?: string;
  lat?: number;
  lng?: number;
  quickReplies?: { title: string; payload: string }[];
}

export interface Message {
  id: number;
  direction: 'in' | 'out';
  senderType: 'contact' | 'bot' | 'agent' | 'system' | string;
  senderId: number | null;
  content: MessageContent;
  private: boolean;
  status: string;
  error: string | null;
  createdAt: string;
}

export interface Canned {
  id: number;
  shortCode: string;
  content: string;
}

export interface FaqEntry {
  id: number | string;
  question: string;
  variants: string[];
  answer: string;
  lang: string;
  inboxId: number | null;
}

export interface Unanswered {
  question: string;
  action: string;
  reason: string | null;
  at: string;
  conversationId: number | null;
}

export interface ContactDetail {
  id: number;
  name: string | null;
  phone: string | null;
  email: string | null;
  avatarUrl: string | null;
  /** Issue #11 (`GET /contacts/:id` → `{ contact, … }`): the normalised phone and the labels. */
  phoneE164?: string | null;
  labels?: string[];
  identities: { channel: string; accountId: string; externalId: string; follower?: boolean | null }[];
  conversations: { id: number; inboxId: number; channel: string; status: ConvStatus; createdAt: string; lastMessageAt: string | null }[];
}

export interface Items<T> {
  items: T[];
}

// ── reports (GET /reports/summary, /reports/timeseries; src/reports/figures.ts) ──

export interface TimeStats {
  count: number;
  meanMs: number | null;
  medianMs: number | null;
  p90Ms: number | null;
}

/** A share with the counts behind it. */
export interface Rate {
  count: number;
  of: number;
  rate: number | null;
}

/** One agent's or team's row (id null: conversations without an agent / a team). */
export interface ReportGroupRow {
  id: number | null;
  conversations: number;
  resolved: number;
  fcrRate: number | null;
  firstResponseMeanMs: number | null;
  humanFirstResponseMeanMs: number | null;
  responseTimeMeanMs: number | null;
  csatScore: number | null;
  csatAnswered: number;
}

export type BacklogBucket = 'lt1h' | 'h1to24' | 'd1to7' | 'gt7d';

export interface ReportSummary {
  period: { from: string; to: string };
  firstResponse: TimeStats & { business: TimeStats };
  humanFirstResponse: TimeStats & { business: TimeStats };
  responseTime: { all: TimeStats; bot: TimeStats; human: TimeStats };
  fcr: Rate & { bot: Rate; human: Rate };
  botContainment: Rate;
  handoff: Rate & { byReason: Record<string, number> };
  resolutionTime: TimeStats;
  resolvedWithin24h: Rate;
  backlog: { at: string; total: number; buckets: Record<BacklogBucket, number> };
  csat: { sent: number; answered: number; satisfied: number; score: number | null; responseRate: number | null; average: number | null };
  nps: { answered: number; promoters: number; passives: number; detractors: number; score: number | null };
  byAgent: ReportGroupRow[];
  byTeam: ReportGroupRow[];
}

/** The metrics `GET /reports/timeseries` knows (src/reports/report-service.ts SERIES_METRICS). */
export type SeriesMetric =
  | 'firstResponseMedian'
  | 'humanFirstResponseMedian'
  | 'responseTimeMean'
  | 'fcr'
  | 'botContainment'
  | 'handoffRate'
  | 'resolutionTimeMedian'
  | 'resolvedWithin24h'
  | 'backlog'
  | 'csat'
  | 'nps'
  | 'conversations';

export interface SeriesPoint {
  start: string;
  end: string;
  value: number | null;
}

export interface Series {
  metric: SeriesMetric;
  interval: 'day' | 'week';
  timeZone: string;
  points: SeriesPoint[];
}
