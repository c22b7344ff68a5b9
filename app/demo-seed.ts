import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../src/store/unit-of-work';
import { createInbox } from '../src/store/repos/inboxes';
import { upsertAgent } from '../src/store/repos/agents';
import { toJson } from '../src/store/json';

/** The demo shop a newcomer sees after `npm start`: its logins are printed at start. */
export const DEMO = {
  inboxKey: 'demo',
  agent: { email: 'agent@demo.omnigate.local', password: 'demo-agent-2026', name: 'Nguyễn Thu Hà' },
  supervisor: { email: 'supervisor@demo.omnigate.local', password: 'demo-supervisor-2026', name: 'Trần Minh Quân' },
} as const;

export interface SeedReport {
  seeded: boolean;
  inboxId: number | null;
  faqEntries: number;
}

interface FaqFileEntry {
  id: string;
  question: string;
  variants?: string[];
  answer: string;
  lang?: string;
}

/** Seed the demo shop, only into an empty database (no website inbox, no FAQ). */
export async function seedDemo(db: Db, options: { onlyIfEmpty: boolean } = { onlyIfEmpty: true }): Promise<SeedReport> {
  // "Empty" = no website inbox and no FAQ yet (Pages and OAs from the environment get inboxes at start).
  const existing = await db.selectFrom('inboxes').select('id').where('channel', '=', 'widget').limit(1).executeTakeFirst();
  const faq = await db.selectFrom('faq_entries').select('id').limit(1).executeTakeFirst();
  if ((existing || faq) && options.onlyIfEmpty) return { seeded: false, inboxId: null, faqEntries: 0 };
  return db.transaction().execute(async (trx) => {
    const teams = [];
    for (const name of ['Chăm sóc khách hàng', 'Kinh doanh', 'Kỹ thuật']) {
      teams.push(
        await trx.insertInto('teams').values({ name }).onConflict((oc) => oc.column('name').doUpdateSet({ name })).returningAll().executeTakeFirstOrThrow(),
      );
    }
    const care = teams[0]!;
    let inbox = await trx.selectFrom('inboxes').selectAll().where('channel', '=', 'widget').where('account_id', '=', DEMO.inboxKey).executeTakeFirst();
    inbox ??= await createInbox(trx, {
      channel: 'widget',
      accountId: DEMO.inboxKey,
      name: 'Điện máy An Phát — website',
      botEnabled: true,
      teamId: care.id,
      settings: { greeting: 'Xin chào! Điện máy An Phát có thể giúp gì cho bạn?', allowedOrigins: [] },
    });
    const agent = await upsertAgent(trx, { ...DEMO.agent, role: 'agent' });
    const supervisor = await upsertAgent(trx, { ...DEMO.supervisor, role: 'supervisor' });
    for (const a of [agent, supervisor]) {
      await trx.insertInto('team_members').values({ team_id: care.id, agent_id: a.id }).onConflict((oc) => oc.doNothing()).execute();
      await trx.insertInto('inbox_members').values({ inbox_id: inbox.id, agent_id: a.id }).onConflict((oc) => oc.doNothing()).execute();
    }
    const entries = readDemoFaq();
    for (const e of entries) {
      await trx
        .insertInto('faq_entries')
        .values({ id: e.id, inbox_id: null, question: e.question, variants: toJson(e.variants ?? []), answer: e.answer, lang: e.lang ?? 'vi', updated_at: new Date() })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    return { seeded: true, inboxId: inbox.id, faqEntries: entries.length };
  });
}

/** The demo FAQ shipped with the FAQ bot (bots/faq/data/demo-faq.json), found from source or build. */
function readDemoFaq(): FaqFileEntry[] {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const file = path.join(dir, 'bots', 'faq', 'data', 'demo-faq.json');
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as FaqFileEntry[];
  }
  return [];
}
