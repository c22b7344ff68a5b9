import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createGateway } from '../src/server/gateway';
import { loadConfig } from '../src/config/config';
import { openStore } from '../src/store/database';
import { createInbox } from '../src/store/repos/inboxes';
import type { ChannelAdapter, ChannelHost } from '../src/core/channel';

export interface IngestBenchResult {
  messages: number;
  pipelinePerSecond: number;
  /** Reference measured in the same run: bare single-row INSERTs into the same database. */
  bareInsertPerSecond: number;
  ratio: number;
}

/** Pipeline ingest rate on the embedded store, beside bare INSERTs in the same run (bounded: N messages, ≤ 60 s). */
export async function benchIngest(messages = 2000, conversations = 50): Promise<IngestBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-bench-'));
  let host: ChannelHost | null = null;
  const channel: ChannelAdapter = {
    id: 'bench',
    capabilities: { quickReplies: false, images: false, files: false, typingIndicator: false, maxTextLength: 2000 },
    mount: (h) => void (host = h),
    send: async () => ({ externalId: null, status: 'sent' }),
  };
  const store = await openStore({ dataDir });
  const gw = await createGateway({ config: loadConfig({ LOG_LEVEL: 'silent', PORT: '0', DATA_DIR: dataDir }), store, channels: [channel] });
  try {
    await createInbox(gw.db, { channel: 'bench', accountId: 'acc', name: 'bench', botEnabled: false });
    const deadline = Date.now() + 60_000;
    const start = process.hrtime.bigint();
    let done = 0;
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < messages && Date.now() < deadline; i++) {
      batch.push(host!.ingest({ kind: 'message', channel: 'bench', accountId: 'acc', externalUserId: `u${i % conversations}`, externalId: `m${i}`, sentAt: new Date(), content: { type: 'text', text: `tin nhắn ${i}` } }));
      if (batch.length === 100) done += (await Promise.all(batch.splice(0))).length;
    }
    done += (await Promise.all(batch)).length;
    const pipelineSeconds = Number(process.hrtime.bigint() - start) / 1e9;

    await sql`create table bench_ref (id bigint generated always as identity primary key, conversation_id int, text text, created_at timestamptz default now())`.execute(gw.db);
    const refStart = process.hrtime.bigint();
    for (let i = 0; i < done; i++) await sql`insert into bench_ref (conversation_id, text) values (${i % conversations}, ${`tin nhắn ${i}`})`.execute(gw.db);
    const refSeconds = Number(process.hrtime.bigint() - refStart) / 1e9;
    const pipelinePerSecond = done / pipelineSeconds;
    const bareInsertPerSecond = done / refSeconds;
    return { messages: done, pipelinePerSecond, bareInsertPerSecond, ratio: pipelinePerSecond / bareInsertPerSecond };
  } finally {
    await gw.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
