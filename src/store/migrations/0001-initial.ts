import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/** The initial schema. Plain SQL so it reads the same on PGlite and PostgreSQL. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE teams (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE inboxes (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      channel text NOT NULL,
      account_id text NOT NULL,
      name text NOT NULL,
      bot_enabled boolean NOT NULL DEFAULT true,
      team_id integer REFERENCES teams(id) ON DELETE SET NULL,
      settings jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (channel, account_id)
    );
    CREATE TABLE agents (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL UNIQUE,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'agent')),
      password_hash text NOT NULL,
      max_conversations integer NOT NULL DEFAULT 10,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE team_members (
      team_id integer NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
      agent_id integer NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
      PRIMARY KEY (team_id, agent_id)
    );
    CREATE TABLE inbox_members (
      inbox_id integer NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
      agent_id integer NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
      PRIMARY KEY (inbox_id, agent_id)
    );
    CREATE TABLE contacts (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name text,
      phone text,
      email text,
      avatar_url text,
      attributes jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX contacts_phone_idx ON contacts (phone);
    CREATE INDEX contacts_email_idx ON contacts (lower(email));
    CREATE TABLE contact_identities (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      contact_id integer NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
      channel text NOT NULL,
      account_id text NOT NULL,
      external_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (channel, account_id, external_id)
    );
    CREATE INDEX contact_identities_contact_idx ON contact_identities (contact_id);
    CREATE TABLE conversations (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      inbox_id integer NOT NULL REFERENCES inboxes(id),
      contact_id integer NOT NULL REFERENCES contacts(id),
      status text NOT NULL CHECK (status IN ('bot', 'pending', 'open', 'snoozed', 'resolved')),
      assignee_id integer REFERENCES agents(id) ON DELETE SET NULL,
      team_id integer REFERENCES teams(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      last_message_at timestamptz,
      last_inbound_at timestamptz,
      last_inbound_external_id text,
      first_reply_at timestamptz,
      handed_off_at timestamptz,
      resolved_at timestamptz,
      reopened_at timestamptz,
      reopen_count integer NOT NULL DEFAULT 0,
      snoozed_until timestamptz,
      bot_state jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX conversations_contact_inbox_idx ON conversations (contact_id, inbox_id, created_at DESC);
    CREATE INDEX conversations_status_idx ON conversations (status, inbox_id);
    CREATE TABLE messages (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      conversation_id integer NOT NULL REFERENCES conversations(id),
      inbox_id integer NOT NULL REFERENCES inboxes(id),
      direction text NOT NULL CHECK (direction IN ('in', 'out')),
      sender_type text NOT NULL CHECK (sender_type IN ('contact', 'bot', 'agent', 'system')),
      sender_id integer,
      content_type text NOT NULL,
      content jsonb NOT NULL,
      text text NOT NULL DEFAULT '',
      private boolean NOT NULL DEFAULT false,
      status text NOT NULL,
      error text,
      external_id text,
      sent_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (inbox_id, external_id)
    );
    CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
    CREATE TABLE conversation_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      type text NOT NULL,
      conversation_id integer NOT NULL REFERENCES conversations(id),
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      contact_id integer NOT NULL,
      team_id integer,
      agent_id integer,
      actor_type text NOT NULL,
      actor_id integer,
      data jsonb NOT NULL DEFAULT '{}',
      at timestamptz NOT NULL
    );
    CREATE INDEX conversation_events_conversation_idx ON conversation_events (conversation_id, id);
    CREATE INDEX conversation_events_type_at_idx ON conversation_events (type, at);
    CREATE TABLE outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      message_id bigint NOT NULL UNIQUE REFERENCES messages(id),
      conversation_id integer NOT NULL,
      inbox_id integer NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'unknown')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX outbox_due_idx ON outbox (status, next_attempt_at);
    CREATE TABLE gateway_settings (
      key text PRIMARY KEY,
      value text NOT NULL
    );
    CREATE TABLE bot_decisions (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      conversation_id integer NOT NULL REFERENCES conversations(id),
      inbox_id integer NOT NULL,
      question text NOT NULL,
      action text NOT NULL,
      faq_id text,
      confidence double precision,
      reason text,
      at timestamptz NOT NULL
    );
    CREATE INDEX bot_decisions_action_idx ON bot_decisions (action, at);
    CREATE TABLE faq_entries (
      id text PRIMARY KEY,
      inbox_id integer REFERENCES inboxes(id) ON DELETE CASCADE,
      question text NOT NULL,
      variants jsonb NOT NULL DEFAULT '[]',
      answer text NOT NULL,
      lang text NOT NULL DEFAULT 'vi',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    DROP TABLE faq_entries; DROP TABLE bot_decisions; DROP TABLE gateway_settings; DROP TABLE outbox; DROP TABLE conversation_events; DROP TABLE messages;
    DROP TABLE conversations; DROP TABLE contact_identities; DROP TABLE contacts; DROP TABLE inbox_members;
    DROP TABLE team_members; DROP TABLE agents; DROP TABLE inboxes; DROP TABLE teams;
  `);
}
