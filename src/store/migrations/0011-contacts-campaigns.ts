import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/**
 * Issue #11: one customer record across channels, segments, campaigns and follow-ups.
 * - `contacts`: the profile agents keep (E.164 phone for matching, notes, labels), whether the
 *   phone / e-mail is verified (given by the platform or confirmed by an agent — only verified
 *   ones suggest merges), and `merged_into_id` once merged into another contact (the row stays,
 *   so a merge can be undone).
 * - `contact_identities.follower`: Zalo follows an OA per user (null: not known).
 * - `conversations.identity_id`: the channel identity a conversation is with. A merged contact
 *   can hold two identities on one account (two Zalo users sharing a phone): replies go to the
 *   conversation's own identity, and a contact's message continues that identity's conversation.
 * - `contact_merges`: every merge with what it moved and both profiles before it (undo).
 * - `messages.purpose`: `reply` (answers, the default), `campaign`, `follow_up`; proactive
 *   messages are no reply for the metrics and take the channel's campaign route.
 * - `segments` (a saved filter), `campaigns` (content, the filter snapshot, schedule, status),
 *   `campaign_recipients` (one row per contact × inbox: skipped with its reason, waiting until
 *   `not_before`, queued, then the message's fate), `follow_ups` (one scheduled message on a
 *   conversation, sent only if the channel allows it then; `blocked` with the reason otherwise).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE contacts
      ADD COLUMN phone_e164 text,
      ADD COLUMN phone_verified boolean NOT NULL DEFAULT false,
      ADD COLUMN email_verified boolean NOT NULL DEFAULT false,
      ADD COLUMN notes text,
      ADD COLUMN labels jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN merged_into_id integer REFERENCES contacts(id);
    CREATE INDEX contacts_phone_e164_idx ON contacts (phone_e164) WHERE phone_e164 IS NOT NULL;
    CREATE INDEX contacts_email_lower_idx ON contacts (lower(email)) WHERE email IS NOT NULL;
    CREATE INDEX contacts_merged_into_idx ON contacts (merged_into_id) WHERE merged_into_id IS NOT NULL;
    ALTER TABLE contact_identities ADD COLUMN follower boolean;
    ALTER TABLE conversations ADD COLUMN identity_id integer REFERENCES contact_identities(id);
    UPDATE conversations c SET identity_id = ci.id
      FROM inboxes i, contact_identities ci
      WHERE i.id = c.inbox_id AND ci.contact_id = c.contact_id AND ci.channel = i.channel AND ci.account_id = i.account_id;
    CREATE INDEX conversations_identity_idx ON conversations (identity_id, id DESC);
    ALTER TABLE messages ADD COLUMN purpose text NOT NULL DEFAULT 'reply' CHECK (purpose IN ('reply', 'campaign', 'follow_up'));

    CREATE TABLE contact_merges (
      id serial PRIMARY KEY,
      survivor_id integer NOT NULL REFERENCES contacts(id),
      merged_id integer NOT NULL REFERENCES contacts(id),
      identity_ids jsonb NOT NULL,
      conversation_ids jsonb NOT NULL,
      survivor_before jsonb NOT NULL,
      merged_before jsonb NOT NULL,
      reason text NOT NULL CHECK (reason IN ('agent', 'auto')),
      agent_id integer REFERENCES agents(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      undone_at timestamptz,
      undone_by integer REFERENCES agents(id) ON DELETE SET NULL
    );
    CREATE INDEX contact_merges_survivor_idx ON contact_merges (survivor_id);
    CREATE INDEX contact_merges_merged_idx ON contact_merges (merged_id);

    CREATE TABLE segments (
      id serial PRIMARY KEY,
      name text NOT NULL,
      filter jsonb NOT NULL,
      created_by integer REFERENCES agents(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE campaigns (
      id serial PRIMARY KEY,
      name text NOT NULL,
      segment_id integer REFERENCES segments(id) ON DELETE SET NULL,
      filter jsonb NOT NULL,
      inbox_ids jsonb NOT NULL,
      content jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled')),
      scheduled_at timestamptz,
      started_at timestamptz,
      finished_at timestamptz,
      created_by integer REFERENCES agents(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX campaigns_due_idx ON campaigns (scheduled_at) WHERE status = 'scheduled';

    CREATE TABLE campaign_recipients (
      id serial PRIMARY KEY,
      campaign_id integer NOT NULL REFERENCES campaigns(id),
      contact_id integer NOT NULL REFERENCES contacts(id),
      inbox_id integer NOT NULL REFERENCES inboxes(id),
      channel text NOT NULL,
      status text NOT NULL CHECK (status IN ('skipped', 'waiting', 'queued', 'sent', 'delivered', 'failed', 'unknown')),
      reason text,
      not_before timestamptz,
      conversation_id integer REFERENCES conversations(id),
      message_id bigint REFERENCES messages(id),
      sent_at timestamptz,
      updated_at timestamptz NOT NULL,
      CONSTRAINT campaign_recipients_once UNIQUE (campaign_id, contact_id, inbox_id)
    );
    CREATE INDEX campaign_recipients_waiting_idx ON campaign_recipients (not_before) WHERE status = 'waiting';
    CREATE INDEX campaign_recipients_message_idx ON campaign_recipients (message_id) WHERE message_id IS NOT NULL;
    CREATE INDEX campaign_recipients_contact_idx ON campaign_recipients (contact_id, inbox_id, sent_at);

    CREATE TABLE follow_ups (
      id serial PRIMARY KEY,
      conversation_id integer NOT NULL REFERENCES conversations(id),
      agent_id integer REFERENCES agents(id) ON DELETE SET NULL,
      content jsonb NOT NULL,
      due_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('scheduled', 'sent', 'blocked', 'cancelled')),
      reason text,
      message_id bigint REFERENCES messages(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX follow_ups_due_idx ON follow_ups (due_at) WHERE status = 'scheduled';
    CREATE INDEX follow_ups_conversation_idx ON follow_ups (conversation_id);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    DROP TABLE follow_ups;
    DROP TABLE campaign_recipients;
    DROP TABLE campaigns;
    DROP TABLE segments;
    DROP TABLE contact_merges;
    ALTER TABLE messages DROP COLUMN purpose;
    ALTER TABLE conversations DROP COLUMN identity_id;
    ALTER TABLE contact_identities DROP COLUMN follower;
    ALTER TABLE contacts DROP COLUMN phone_e164, DROP COLUMN phone_verified, DROP COLUMN email_verified,
      DROP COLUMN notes, DROP COLUMN labels, DROP COLUMN merged_into_id;
  `);
}
