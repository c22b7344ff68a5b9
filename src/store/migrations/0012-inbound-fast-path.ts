import { sql, type Kysely } from 'kysely';

/**
 * `omnigate_inbound_message(...)`: the common case of an inbound message — a known
 * contact writing into a conversation that stays as it is (not resolved, not snoozed) —
 * as one statement, so it needs one round trip and no BEGIN/COMMIT
 * (src/store/repos/inbound-fast-path.ts calls it; issue #9's delivery latency).
 *
 * It takes the pipeline's per-contact advisory lock first and reads after it: in a
 * VOLATILE PL/pgSQL function every statement takes a fresh snapshot (READ COMMITTED), so
 * what another node committed while this one waited for the lock is seen, as with the
 * separate statements of the general path.
 *
 * Outcomes (`outcome` of the returned jsonb):
 * - `stored`: the message, the conversation's timestamps and the `message.received` row
 *   of the event log are written (all or nothing: one statement);
 * - `duplicate`: the platform message id is stored already (a retry): nothing written;
 * - `general`: anything else — unknown inbox or contact, a profile to fill in, no
 *   conversation yet, a resolved or snoozed one. Nothing written; the caller runs the
 *   general path (src/pipeline/ingest.ts), which owns every state transition.
 *
 * The event log row is the one src/store/event-log.ts writes for the same event; a
 * test holds the two paths to identical rows (test/core/inbound-fast-path.test.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE FUNCTION omnigate_inbound_message(
      p_lock_key text, p_channel text, p_account_id text, p_external_user_id text,
      p_profile_name text, p_profile_phone text, p_profile_email text, p_profile_avatar_url text,
      p_content jsonb, p_text text, p_external_id text, p_sent_at timestamptz, p_now timestamptz, p_passive boolean
    ) RETURNS jsonb
    LANGUAGE plpgsql VOLATILE
    AS $body$
    DECLARE
      v_inbox_id integer;
      v_inbox_channel text;
      v_party record;
      v_conv conversations%ROWTYPE;
      v_message messages%ROWTYPE;
      v_data jsonb;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtextextended(p_lock_key, 0));
      SELECT id, channel INTO v_inbox_id, v_inbox_channel FROM inboxes WHERE channel = p_channel AND account_id = p_account_id;
      IF NOT FOUND THEN RETURN '{"outcome":"general"}'; END IF;
      SELECT ci.id AS identity_id, ct.id AS contact_id, ct.name, ct.phone, ct.email, ct.avatar_url INTO v_party
        FROM contact_identities ci JOIN contacts ct ON ct.id = ci.contact_id
        WHERE ci.channel = p_channel AND ci.account_id = p_account_id AND ci.external_id = p_external_user_id;
      IF NOT FOUND THEN RETURN '{"outcome":"general"}'; END IF;
      -- A profile detail the contact lacks is filled in by the general path.
      IF (coalesce(v_party.name, '') = '' AND coalesce(p_profile_name, '') <> '')
        OR (coalesce(v_party.phone, '') = '' AND coalesce(p_profile_phone, '') <> '')
        OR (coalesce(v_party.email, '') = '' AND coalesce(p_profile_email, '') <> '')
        OR (coalesce(v_party.avatar_url, '') = '' AND coalesce(p_profile_avatar_url, '') <> '') THEN
        RETURN '{"outcome":"general"}';
      END IF;
      SELECT * INTO v_conv FROM conversations
        WHERE identity_id = v_party.identity_id AND inbox_id = v_inbox_id ORDER BY id DESC LIMIT 1 FOR UPDATE;
      IF NOT FOUND OR v_conv.status IN ('resolved', 'snoozed') THEN RETURN '{"outcome":"general"}'; END IF;
      INSERT INTO messages (conversation_id, inbox_id, direction, sender_type, sender_id, content_type, content, text, status, external_id, sent_at)
        VALUES (v_conv.id, v_inbox_id, 'in', 'contact', v_party.contact_id, p_content->>'type', p_content, p_text, 'received', p_external_id, p_sent_at)
        ON CONFLICT (inbox_id, external_id) DO NOTHING
        RETURNING * INTO v_message;
      IF NOT FOUND THEN RETURN '{"outcome":"duplicate"}'; END IF;
      UPDATE conversations
        SET last_message_at = p_now, last_inbound_at = p_now, last_inbound_external_id = p_external_id, updated_at = p_now
        WHERE id = v_conv.id
        RETURNING * INTO v_conv;
      v_data := jsonb_build_object('message', jsonb_build_object(
        'id', v_message.id, 'direction', v_message.direction, 'senderType', v_message.sender_type, 'senderId', v_message.sender_id,
        'content', v_message.content, 'private', v_message.private, 'externalId', v_message.external_id));
      IF p_passive THEN v_data := v_data || '{"passive":true}'; END IF;
      INSERT INTO conversation_events (type, conversation_id, inbox_id, channel, contact_id, team_id, agent_id, actor_type, actor_id, data, at)
        VALUES ('message.received', v_conv.id, v_inbox_id, v_inbox_channel, v_conv.contact_id, v_conv.team_id, v_conv.assignee_id, 'contact', v_party.contact_id, v_data, p_now);
      RETURN jsonb_build_object('outcome', 'stored', 'channel', v_inbox_channel, 'contactId', v_party.contact_id,
        'conversation', to_jsonb(v_conv), 'message', to_jsonb(v_message));
    END
    $body$`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP FUNCTION omnigate_inbound_message(text, text, text, text, text, text, text, text, jsonb, text, text, timestamptz, timestamptz, boolean)').execute(db);
}
