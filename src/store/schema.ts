import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Kysely table types; must match migrations/. Timestamps are timestamptz, JSON is jsonb. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export interface InboxesTable {
  id: Generated<number>;
  channel: string;
  /** The account on the channel: widget key, Page id, OA id. */
  account_id: string;
  name: string;
  bot_enabled: Generated<boolean>;
  team_id: number | null;
  settings: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  /** Why the account can no longer send (token expired or revoked); null when connected. */
  connection_error: Generated<string | null>;
  connection_error_at: Generated<Date | null>;
  /** When `settings.surveys` last changed (null: as created); the survey catch-up looks only at resolutions since. */
  surveys_changed_at: Generated<Date | null>;
}

export interface ContactsTable {
  id: Generated<number>;
  name: string | null;
  phone: string | null;
  email: string | null;
  avatar_url: string | null;
  attributes: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** The phone in E.164 (`+84912345678`), for matching across channels (migration 0011). */
  phone_e164: Generated<string | null>;
  /** Given by the platform or confirmed by an agent: only verified values suggest merges. */
  phone_verified: Generated<boolean>;
  email_verified: Generated<boolean>;
  notes: Generated<string | null>;
  labels: ColumnType<string[], string | undefined, string>;
  /** Set once merged into that contact; the row stays so the merge can be undone. */
  merged_into_id: Generated<number | null>;
}

export interface ContactIdentitiesTable {
  id: Generated<number>;
  contact_id: number;
  channel: string;
  account_id: string;
  external_id: string;
  created_at: CreatedAt;
  /** Zalo: whether the user follows the OA (null: not known) (migration 0011). */
  follower: Generated<boolean | null>;
}

export interface ConversationsTable {
  id: Generated<number>;
  inbox_id: number;
  contact_id: number;
  status: string;
  assignee_id: number | null;
  team_id: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  last_message_at: Timestamp | null;
  /** The contact's last message: drives channel messaging windows. */
  last_inbound_at: Timestamp | null;
  last_inbound_external_id: string | null;
  first_reply_at: Timestamp | null;
  handed_off_at: Timestamp | null;
  resolved_at: Timestamp | null;
  reopened_at: Timestamp | null;
  reopen_count: Generated<number>;
  snoozed_until: Timestamp | null;
  /** What the bot remembers about this conversation (e.g. awaiting "did it help?"). */
  bot_state: Json<Record<string, unknown>>;
  agent_last_read_id: Generated<number>;
  /** The channel identity this conversation is with (migration 0011; a merged contact may have several per account). */
  identity_id: Generated<number | null>;
}

export interface MessagesTable {
  id: Generated<number>;
  conversation_id: number;
  inbox_id: number;
  direction: 'in' | 'out';
  sender_type: 'contact' | 'bot' | 'agent' | 'system';
  sender_id: number | null;
  content_type: string;
  content: Json<Record<string, unknown>>;
  /** Plain text of the content, for search and previews. */
  text: string;
  private: Generated<boolean>;
  status: string;
  error: string | null;
  external_id: string | null;
  sent_at: Timestamp;
  created_at: CreatedAt;
  /** `reply` (default), `campaign`, `follow_up`: proactive messages are no reply in the metrics (migration 0011). */
  purpose: Generated<MessagePurpose>;
}

export type MessagePurpose = 'reply' | 'campaign' | 'follow_up';

export interface ContactMergesTable {
  id: Generated<number>;
  survivor_id: number;
  merged_id: number;
  /** The identities and conversations moved from the merged contact to the survivor. */
  identity_ids: Json<number[]>;
  conversation_ids: Json<number[]>;
  /** Both profiles as they were before the merge (name, phone, e-mail, labels, attributes, …). */
  survivor_before: Json<Record<string, unknown>>;
  merged_before: Json<Record<string, unknown>>;
  reason: 'agent' | 'auto';
  agent_id: number | null;
  created_at: CreatedAt;
  undone_at: Timestamp | null;
  undone_by: number | null;
}

export interface SegmentsTable {
  id: Generated<number>;
  name: string;
  filter: Json<Record<string, unknown>>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CampaignsTable {
  id: Generated<number>;
  name: string;
  segment_id: number | null;
  /** The segment's filter when the campaign was made (a later edit of the segment changes nothing). */
  filter: Json<Record<string, unknown>>;
  inbox_ids: Json<number[]>;
  content: Json<Record<string, unknown>>;
  status: 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled';
  scheduled_at: Timestamp | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface CampaignRecipientsTable {
  id: Generated<number>;
  campaign_id: number;
  contact_id: number;
  inbox_id: number;
  channel: string;
  status: 'skipped' | 'waiting' | 'queued' | 'sent' | 'delivered' | 'failed' | 'unknown';
  reason: string | null;
  not_before: Timestamp | null;
  conversation_id: number | null;
  message_id: number | null;
  sent_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface FollowUpsTable {
  id: Generated<number>;
  conversation_id: number;
  agent_id: number | null;
  content: Json<Record<string, unknown>>;
  due_at: Timestamp;
  status: 'scheduled' | 'sent' | 'blocked' | 'cancelled';
  reason: string | null;
  message_id: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ConversationEventsTable {
  id: Generated<number>;
  type: string;
  conversation_id: number;
  inbox_id: number;
  channel: string;
  contact_id: number;
  team_id: number | null;
  agent_id: number | null;
  actor_type: string;
  actor_id: number | null;
  data: Json<Record<string, unknown>>;
  at: Timestamp;
}

export interface AgentsTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: 'admin' | 'supervisor' | 'agent';
  password_hash: string;
  max_conversations: Generated<number>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  created_at: CreatedAt;
}

export interface AgentSessionsTable {
  token_hash: string;
  agent_id: number;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
}

export interface TeamsTable {
  id: Generated<number>;
  name: string;
  created_at: CreatedAt;
}

export interface TeamMembersTable {
  team_id: number;
  agent_id: number;
}

export interface InboxMembersTable {
  inbox_id: number;
  agent_id: number;
}

export interface OutboxTable {
  id: Generated<number>;
  message_id: number;
  conversation_id: number;
  inbox_id: number;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface FaqEntriesTable {
  id: string;
  /** null = shared by every inbox. */
  inbox_id: number | null;
  question: string;
  variants: Json<string[]>;
  answer: string;
  lang: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface BotDecisionsTable {
  id: Generated<number>;
  conversation_id: number;
  inbox_id: number;
  question: string;
  action: string;
  faq_id: string | null;
  confidence: number | null;
  reason: string | null;
  at: Timestamp;
  /** The contact message decided on (migration 0013; unique): null for later decisions of an external bot. */
  message_id: number | null;
}

export interface GatewaySettingsTable {
  key: string;
  value: string;
}

export interface CannedResponsesTable {
  id: Generated<number>;
  short_code: string;
  content: string;
  created_at: CreatedAt;
}

export interface ChannelCredentialsTable {
  channel: string;
  account_id: string;
  data: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

/** Verified webhook bodies, stored before they are acknowledged (see pipeline/inbound-journal.ts). */
export interface InboundEventsTable {
  id: Generated<number>;
  channel: string;
  body: string;
  received_at: Timestamp;
  status: Generated<'pending' | 'done' | 'failed'>;
  attempts: Generated<number>;
  lease_until: Date | null;
  last_error: string | null;
  processed_at: Date | null;
}

/** Report rollups (migration 0008; written by src/reports/rollup-writer.ts). */
export interface ReportConversationsTable {
  conversation_id: number;
  last_event_id: number;
  inbox_id: number;
  channel: string;
  contact_id: number;
  team_id: number | null;
  agent_id: number | null;
  created_at: Timestamp;
  bot_handled: boolean;
  handoff_reason: string | null;
  contained: boolean;
  first_resolved_at: Timestamp | null;
  last_resolved_at: Timestamp | null;
  last_reopened_at: Timestamp | null;
  fcr: boolean;
  bot_resolved: boolean;
}
export interface ReportTimesTable {
  conversation_id: number;
  inbox_id: number;
  channel: string;
  team_id: number | null;
  agent_id: number | null;
  kind: string;
  at: Timestamp;
  ms: number;
  business_ms: number;
}
export interface ReportSegmentsTable {
  conversation_id: number;
  inbox_id: number;
  channel: string;
  team_id: number | null;
  agent_id: number | null;
  created_at: Timestamp;
  start_at: Timestamp;
  resolved_at: Timestamp | null;
}
export interface ReportSurveysTable {
  conversation_id: number;
  inbox_id: number;
  channel: string;
  team_id: number | null;
  agent_id: number | null;
  kind: string;
  event: string;
  at: Timestamp;
  score: number | null;
}
export interface ReportActivityTable {
  conversation_id: number;
  inbox_id: number;
  channel: string;
  team_id: number | null;
  agent_id: number | null;
  contact_id: number;
  at: Timestamp;
  /** The same contact's previous message on this channel (migration 0010). */
  prev_at: Timestamp | null;
}
/** Per UTC day × inbox × team × agent × kind (0 = no team/agent): count and sums of the report times (migration 0010). */
export interface ReportTimeDaysTable {
  day: string;
  inbox_id: number;
  channel: string;
  team_id: number;
  agent_id: number;
  kind: string;
  n: number;
  sum_ms: number;
  sum_business_ms: number;
}
/** Contact messages per day × day of the same contact's previous message ('0001-01-01': none) (migration 0010; src/reports/activity-links.ts). */
export interface ReportActivityDaysTable {
  channel: string;
  day: string;
  prev_day: string;
  n: number;
}
/** Per UTC day × inbox × team × agent (0 = none): the summary's counts (migration 0010; src/reports/count-rollups.ts). */
export interface ReportConversationDaysTable {
  day: string;
  inbox_id: number;
  channel: string;
  team_id: number;
  agent_id: number;
  created: number;
  within24: number;
  bot_handled: number;
  contained: number;
  handed_off: number;
  resolved: number;
  fcr: number;
  bot_resolved: number;
  bot_fcr: number;
  csat_sent: number;
  csat_answered: number;
  csat_satisfied: number;
  csat_total: number;
  nps_answered: number;
  promoters: number;
  passives: number;
  detractors: number;
}
/** Per UTC day × inbox × team × agent × handoff reason: bot conversations created that day and handed off for it. */
export interface ReportHandoffDaysTable {
  day: string;
  inbox_id: number;
  channel: string;
  team_id: number;
  agent_id: number;
  reason: string;
  n: number;
}
/** Per UTC day × inbox × kind × clock: how many report times fall in each bucket (src/reports/time-buckets.ts). */
export interface ReportTimeHistogramTable {
  day: string;
  inbox_id: number;
  channel: string;
  kind: string;
  business: boolean;
  bucket: number;
  n: number;
}

/** Satisfaction surveys (migration 0009; src/surveys/): one per conversation and kind. */
export interface SurveysTable {
  id: Generated<number>;
  conversation_id: number;
  inbox_id: number;
  kind: 'csat' | 'nps';
  status: 'sent' | 'answered' | 'not_sent';
  score: number | null;
  comment: string | null;
  agent_id: number | null;
  team_id: number | null;
  /** The question as sent (null when not sent). */
  message_id: number | null;
  /** When it was asked (or found impossible to send). */
  sent_at: Timestamp;
  answered_at: Timestamp | null;
  /** When the optional comment was asked for (once per conversation). */
  comment_asked_at: Timestamp | null;
  commented_at: Timestamp | null;
  /** Why it was not sent. */
  note: string | null;
}

export interface Database {
  report_activity: ReportActivityTable;
  report_conversations: ReportConversationsTable;
  report_times: ReportTimesTable;
  report_time_days: ReportTimeDaysTable;
  report_time_histogram: ReportTimeHistogramTable;
  report_conversation_days: ReportConversationDaysTable;
  report_handoff_days: ReportHandoffDaysTable;
  report_activity_days: ReportActivityDaysTable;
  report_segments: ReportSegmentsTable;
  report_surveys: ReportSurveysTable;
  inbound_events: InboundEventsTable;
  channel_credentials: ChannelCredentialsTable;
  canned_responses: CannedResponsesTable;
  agent_sessions: AgentSessionsTable;
  gateway_settings: GatewaySettingsTable;
  bot_decisions: BotDecisionsTable;
  inboxes: InboxesTable;
  contacts: ContactsTable;
  contact_identities: ContactIdentitiesTable;
  contact_merges: ContactMergesTable;
  segments: SegmentsTable;
  campaigns: CampaignsTable;
  campaign_recipients: CampaignRecipientsTable;
  follow_ups: FollowUpsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  conversation_events: ConversationEventsTable;
  agents: AgentsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  inbox_members: InboxMembersTable;
  outbox: OutboxTable;
  faq_entries: FaqEntriesTable;
  surveys: SurveysTable;
}

export type InboxRow = Selectable<InboxesTable>;
export type ContactRow = Selectable<ContactsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type AgentRow = Selectable<AgentsTable>;
export type NewMessage = Insertable<MessagesTable>;
export type ConversationUpdate = Updateable<ConversationsTable>;
export type FaqEntryRow = Selectable<FaqEntriesTable>;
