import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial';
import * as m0002 from './0002-agent-sessions';
import * as m0003 from './0003-agent-read-state';
import * as m0004 from './0004-canned-responses';
import * as m0005 from './0005-channel-credentials';
import * as m0006 from './0006-inbound-journal';
import * as m0008 from './0008-report-rollups';
import * as m0009 from './0009-surveys';
import * as m0010 from './0010-report-day-rollups';
import * as m0011 from './0011-contacts-campaigns';
import * as m0012 from './0012-inbound-fast-path';
import * as m0013 from './0013-bot-decision-message';
import * as m0014 from './0014-inbox-surveys-changed-at';

/** Every migration, in order. Listed statically so the build needs no directory scan. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-agent-sessions': m0002,
  '0003-agent-read-state': m0003,
  '0004-canned-responses': m0004,
  '0005-channel-credentials': m0005,
  '0006-inbound-journal': m0006,
  '0008-report-rollups': m0008,
  '0009-surveys': m0009,
  '0010-report-day-rollups': m0010,
  '0011-contacts-campaigns': m0011,
  '0012-inbound-fast-path': m0012,
  '0013-bot-decision-message': m0013,
  '0014-inbox-surveys-changed-at': m0014,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

export const LATEST_MIGRATION = Object.keys(MIGRATIONS).sort().at(-1)!;
