import { io as ioClient, type Socket } from 'socket.io-client';
import type { FakeGraph } from '../../channels/messenger/simulator/fake-graph-server';
import { signedWebhook, textItem } from '../../channels/messenger/simulator/webhooks';
import type { FakeZalo } from '../../channels/zalo/simulator/fake-zalo-server';
import { DAY, ManualClock, MINUTE } from '../../src/core/clock';
import type { AgentClientToServer, AgentServerToClient } from '../../src/realtime/agent-protocol';
import type { Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import { testDatabases } from '../support/databases';
import { PLATFORM, startPlatformGateway, type PlatformGateway } from '../support/platform-harness';
import { waitFor } from '../support/wait';
import type { FollowUpJson } from '../../src/follow-ups/follow-up-store';

/** What the follow-up routes answer (loosely: each test reads the field it expects). */
type ApiBody = { followUp: FollowUpJson; followUps: FollowUpJson[]; error?: { code: string; message: string } };

const { page: PAGE, fbSecret: FB_SECRET, oa: OA_ID } = PLATFORM;
const PSID = '7000000000000001';
const ZALO_USER = '8000000000000000201';
const PASSWORD = 'password-123456';

type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;
type Blocked = Parameters<AgentServerToClient['followup:blocked']>[0];

/**
 * One gateway serving a Facebook Page and a Zalo OA against their loopback fakes, on the
 * gateway's ManualClock (the fake Zalo reads the same clock). A repair is resolved, the
 * agent schedules "hỏi thăm sau 3 ngày" on both: Zalo allows an agent message within 7 days
 * of the user's last one, Messenger only within 24 h (no Human Agent permission here).
 */
describe.each(testDatabases().map((d) => [d.kind, d] as const))('follow-ups through Messenger and Zalo on %s', (_kind, database) => {
  let platforms: PlatformGateway | undefined;
  let gw: Gateway;
  let url: string;
  let clock: ManualClock;
  let graph: FakeGraph;
  let zalo: FakeZalo;
  let lanId: number;
  let socket: AgentSocket | null = null;

  beforeEach(async () => {
    clock = new ManualClock('2026-03-10T03:00:00Z'); // 10:00 in Vietnam
    platforms = await startPlatformGateway(database, clock);
    ({ gw, url, zalo } = platforms);
    graph = platforms.graph!;
    const page = await createInbox(gw.db, { channel: 'messenger', accountId: PAGE, name: 'Page', botEnabled: false });
    const oa = await createInbox(gw.db, { channel: 'zalo', accountId: OA_ID, name: 'OA', botEnabled: false });
    lanId = (await upsertAgent(gw.db, { email: 'lan@anphat.vn', name: 'Lan', role: 'agent', password: PASSWORD })).id;
    await gw.db.insertInto('inbox_members').values([{ inbox_id: page.id, agent_id: lanId }, { inbox_id: oa.id, agent_id: lanId }]).execute();
  });
  afterEach(async () => {
    socket?.close();
    socket = null;
    await platforms?.close();
    platforms = undefined;
  });

  const signIn = async (): Promise<string> => {
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'lan@anphat.vn', password: PASSWORD }) });
    return ((await res.json()) as { token: string }).token;
  };
  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as ApiBody };
  };
  const conversationOn = (channel: string) =>
    waitFor(async () => (await gw.db.selectFrom('conversations as c').innerJoin('inboxes as i', 'i.id', 'c.inbox_id').select('c.id').where('i.channel', '=', channel).executeTakeFirst())?.id);

  test('"after 3 days": sent on Zalo (inside 7 days), blocked on Messenger (outside 24 h) — the agent gets a private note and followup:blocked', async () => {
    // Both customers write; the agent answers and resolves.
    const fb = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: PSID, text: 'máy lạnh không mát', timestamp: clock.now().getTime() })], FB_SECRET);
    expect((await fetch(`${url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', ...fb.headers }, body: fb.body })).status).toBe(200);
    const hook = zalo.userSendsText(ZALO_USER, 'tủ lạnh bị chảy nước');
    expect((await fetch(`${url}/webhooks/zalo`, { method: 'POST', headers: hook.headers, body: hook.rawBody })).status).toBe(200);
    const fbConv = await conversationOn('messenger');
    const zaloConv = await conversationOn('zalo');
    for (const conv of [fbConv, zaloConv]) await gw.actions.resolve(conv, { type: 'agent', id: lanId });

    const token = await signIn();
    const text = 'Dạ anh/chị dùng máy ổn chưa ạ?';
    const onZalo = await api(token, 'POST', `/conversations/${zaloConv}/follow-ups`, { text, afterDays: 3 });
    const onFb = await api(token, 'POST', `/conversations/${fbConv}/follow-ups`, { text, afterDays: 3 });
    expect([onZalo.status, onFb.status]).toEqual([201, 201]);

    clock.advance(3 * DAY + MINUTE);
    // Three days later the agent is signed in again (sessions last 12 h), the inbox open.
    const fresh = await signIn();
    socket = ioClient(`${url}/agent`, { auth: { token: fresh }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });
    const blocked: Blocked[] = [];
    socket.on('followup:blocked', (e) => void blocked.push(e));
    const outcomes = await gw.followUps.runOnce();
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { id: onZalo.body.followUp.id, status: 'sent', reason: null },
        { id: onFb.body.followUp.id, status: 'blocked', reason: expect.stringMatching(/^Messenger: outside the 24-hour window \(the contact last wrote 3 days 0 h ago\)/) },
      ]),
    );
    expect(outcomes).toHaveLength(2);

    // Zalo: the fake received it as a customer-care message to the user (over 48 h: by user_id, charged).
    const zaloSent = await waitFor(() => zalo.sentOf('cs').find((m) => m.message.text === text));
    expect(zaloSent).toMatchObject({ kind: 'cs', userId: ZALO_USER, recipient: { user_id: ZALO_USER } });
    expect(zalo.sentOf('promotion')).toHaveLength(0);
    const zaloMessageId = Number((await gw.db.selectFrom('follow_ups').select('message_id').where('id', '=', onZalo.body.followUp.id).executeTakeFirstOrThrow()).message_id);
    // The fake answered; the outbox marks the message sent right after.
    const zaloMessage = await waitFor(async () => {
      const m = await gw.db.selectFrom('messages').select(['status', 'purpose', 'sender_type', 'sender_id']).where('id', '=', zaloMessageId).executeTakeFirstOrThrow();
      return m.status === 'pending' || m.status === 'sending' ? undefined : m;
    });
    expect(zaloMessage).toEqual({ status: 'sent', purpose: 'follow_up', sender_type: 'agent', sender_id: lanId });

    // Messenger: nothing reached Meta; the agent is told on the socket and in the conversation.
    expect(graph.sentMessages().filter((c) => JSON.stringify(c.body).includes(text))).toEqual([]);
    const event = await waitFor(() => blocked[0]);
    expect(event).toEqual({ followUpId: onFb.body.followUp.id, conversationId: fbConv, reason: expect.stringMatching(/24-hour window/), text, dueAt: onFb.body.followUp.dueAt });
    const notes = await gw.db.selectFrom('messages').select(['text', 'private', 'sender_type']).where('conversation_id', '=', fbConv).where('private', '=', true).execute();
    expect(notes).toEqual([{ text: expect.stringMatching(/^Tin hỏi thăm hẹn gửi không được gửi: .*24-hour window[\s\S]*Dạ anh\/chị dùng máy ổn chưa ạ\?/), private: true, sender_type: 'system' }]);

    const listed = await api(fresh, 'GET', `/conversations/${fbConv}/follow-ups`);
    expect(listed.body.followUps).toEqual([expect.objectContaining({ status: 'blocked', reason: expect.stringMatching(/24-hour window/), messageId: null })]);
    // Both conversations stay resolved.
    expect((await gw.db.selectFrom('conversations').select('status').orderBy('id').execute()).map((c) => c.status)).toEqual(['resolved', 'resolved']);

    // Not sent twice: another pass finds nothing; the fakes got nothing more.
    expect(await gw.followUps.runOnce()).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(zalo.sentOf('cs').filter((m) => m.message.text === text)).toHaveLength(1);
    expect(blocked).toHaveLength(1);
  });
});
