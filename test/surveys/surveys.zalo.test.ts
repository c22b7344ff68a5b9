import { createGateway, type Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { createZaloChannel } from '../../channels/zalo';
import { DbTokenStore } from '../../channels/zalo/db-token-store';
import { testSecretBox } from '../support/test-secrets';
import { loadZaloConfig } from '../../channels/zalo/config';
import { startFakeZalo, type FakeZalo } from '../../channels/zalo/simulator/fake-zalo-server';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait';

const APP_ID = '4300000000000000001';
const OA_ID = '579745863508352884';
const OA_SECRET = 'zalo-oa-secret-key-0001';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('satisfaction surveys on Zalo OA on %s', (_kind, database) => {
  let gw: Gateway;
  let url: string;
  let zalo: FakeZalo;

  beforeEach(async () => {
    zalo = await startFakeZalo({ appId: APP_ID, appSecret: 'zalo-app-secret-0001', oaId: OA_ID, oaSecretKey: OA_SECRET });
    const config = loadZaloConfig(zalo.gatewayEnv())!;
    const { store } = await database.open();
    gw = await createGateway({ config: testConfig(), store, channels: [createZaloChannel(config, { enrichProfiles: false, store: new DbTokenStore(store.db, store.kind, testSecretBox()) })] });
    await createInbox(gw.db, { channel: 'zalo', accountId: OA_ID, name: 'OA', botEnabled: false, settings: { surveys: { nps: true } } });
    url = await gw.listen();
  });
  afterEach(async () => {
    await gw?.close();
    await zalo?.close();
  });

  const userSays = async (userId: string, text: string) => {
    const hook = zalo.userSendsText(userId, text);
    expect((await fetch(`${url}/webhooks/zalo`, { method: 'POST', headers: hook.headers, body: hook.rawBody })).status).toBe(200);
  };
  const sentTo = (userId: string) => zalo.sent.filter((m) => m.userId === userId).map((m) => String(m.message.text ?? ''));
  const conversation = async () => gw.db.selectFrom('conversations').selectAll().executeTakeFirstOrThrow();
  const surveys = async (id: number) => gw.db.selectFrom('surveys').select(['kind', 'status', 'score', 'comment']).where('conversation_id', '=', id).orderBy('id').execute();

  test('CSAT arrives as a numbered text and "4" answers it; NPS asks for a number and "10" answers it; neither reopens', async () => {
    const user = '8000000000000000101';
    await userSays(user, 'shop ơi đơn của em sao rồi');
    const conv = await waitFor(async () => (await gw.db.selectFrom('conversations').selectAll().executeTakeFirst()) ?? undefined);
    await gw.outbound.post(conv.id, { content: { type: 'text', text: 'Dạ đơn đang giao ạ' }, sender: { type: 'system' } });
    await gw.actions.resolve(conv.id, { type: 'system' });

    const csat = await waitFor(() => sentTo(user).find((t) => t.startsWith('Bạn đánh giá')));
    expect(csat).toBe('Bạn đánh giá cuộc trò chuyện này thế nào? (1–5)\nBạn trả lời bằng một số từ 1 đến 5 nhé.\n\n1. Rất tệ\n2. Tệ\n3. Bình thường\n4. Tốt\n5. Rất tốt');
    await userSays(user, '4');
    await waitFor(async () => ((await surveys(conv.id))[0]?.status === 'answered' ? true : undefined));
    expect(await conversation()).toMatchObject({ id: conv.id, status: 'resolved', reopen_count: 0 });

    const nps = await waitFor(() => sentTo(user).find((t) => /giới thiệu/.test(t)));
    expect(nps).toMatch(/\(0 = không bao giờ, 10 = chắc chắn\)\nBạn trả lời bằng một số từ 0 đến 10 nhé\.$/);
    await userSays(user, '10');
    await waitFor(() => sentTo(user).find((t) => t === 'Cảm ơn bạn! Bạn có góp ý gì thêm không?'));
    expect(await surveys(conv.id)).toEqual([
      { kind: 'csat', status: 'answered', score: 4, comment: null },
      { kind: 'nps', status: 'answered', score: 10, comment: null },
    ]);
    expect(await conversation()).toMatchObject({ id: conv.id, status: 'resolved', reopen_count: 0 });
    const log = await gw.db.selectFrom('conversation_events').select(['type', 'data']).where('conversation_id', '=', conv.id).where('type', 'like', 'survey.%').orderBy('id').execute();
    expect(log.map((e) => [e.type, e.data.survey, e.data.score ?? null])).toEqual([
      ['survey.sent', 'csat', null],
      ['survey.answered', 'csat', 4],
      ['survey.sent', 'nps', null],
      ['survey.answered', 'nps', 10],
    ]);
  });
});
