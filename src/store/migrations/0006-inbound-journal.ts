import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/**
 * - `inbound_events`: every verified webhook body, stored before the platform gets its
 *   200, so an acknowledged event is processed even if the process dies right after.
 * - `inboxes.connection_error`: why a channel account can no longer send (expired or
 *   revoked token) — shown to agents until someone reconnects it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE inbound_events (
      id bigserial PRIMARY KEY,
      channel text NOT NULL,
      body text NOT NULL,
      received_at timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      lease_until timestamptz,
      last_error text,
      processed_at timestamptz
    );
    CREATE INDEX inbound_events_pending_idx ON inbound_events (id) WHERE status = 'pending';
    CREATE INDEX inbound_events_processed_idx ON inbound_events (processed_at) WHERE status <> 'pending';
    ALTER TABLE inboxes ADD COLUMN connection_error text;
    ALTER TABLE inboxes ADD COLUMN connection_error_at timestamptz;
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE inboxes DROP COLUMN connection_error_at;
    ALTER TABLE inboxes DROP COLUMN connection_error;
    DROP TABLE inbound_events;
  `);
}
