import { randomUUID } from 'node:crypto';
import type { Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import type { WidgetMessage } from '../../channels/widget/protocol';
import { testDatabases } from '../support/databases';
import { waitFor } from '../support/wait';
import { connectVisitor, newSession, send, startWidgetGateway, type VisitorSocket } from '../channels/widget-harness';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('satisfaction survey in the widget on %s', (_kind, database) => {
  let gw: Gateway;
  let url: string;
  let socket: VisitorSocket | null = null;

  beforeEach(async () => {
    const { store, dataDir } = await database.open();
    ({ gw, url } = await startWidgetGateway(store, { dataDir }));
  });
  afterEach(async () => {
    socket?.close();
    socket = null;
    await gw?.close();
  });

  const tap = (s: VisitorSocket, text: string, payload: string) =>
    new Promise<{ ok: boolean }>((resolve) => s.emit('message:send', { clientId: randomUUID(), content: { type: 'quick_reply', text, payload } }, (r) => resolve(r as never)));
  const conversation = async (id: number) => gw.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const events = async (id: number, type: string) => gw.db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', id).where('type', '=', type).execute();

  test('the visitor gets the CSAT buttons on resolution; a tap scores it without reopening; the comment is asked once and kept; anything else reopens', async () => {
    const { json } = await newSession(url);
    socket = await connectVisitor(url, json.token);
    const received: WidgetMessage[] = [];
    socket.on('message', (m) => void received.push(m));
    const first = await send(socket, 'Cho mình hỏi đơn hàng', randomUUID());
    expect(first.ok).toBe(true);
    const convId = (await gw.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    const agent = await upsertAgent(gw.db, { email: 'lan@anphat.vn', name: 'Lan', role: 'agent', password: 'password-123456' });
    const team = await gw.db.insertInto('teams').values({ name: 'CSKH' }).returning('id').executeTakeFirstOrThrow();
    await gw.actions.assign(convId, { agentId: agent.id, teamId: team.id }, { type: 'system' });
    await gw.outbound.post(convId, { content: { type: 'text', text: 'Dạ đơn của anh đang giao ạ' }, sender: { type: 'agent', id: agent.id } });
    await gw.actions.resolve(convId, { type: 'agent', id: agent.id });

    const question = await waitFor(() => received.find((m) => m.content.type === 'text' && m.content.text.includes('(1–5)')));
    expect(question.senderType).toBe('system');
    const buttons = question.content.type === 'text' ? question.content.quickReplies : undefined;
    expect(buttons?.map((b) => b.payload)).toEqual(['csat:1', 'csat:2', 'csat:3', 'csat:4', 'csat:5']);
    expect(buttons?.[3]?.title).toBe('4 – Tốt');

    expect((await tap(socket, buttons![3]!.title, buttons![3]!.payload)).ok).toBe(true);
    const survey = await waitFor(async () => {
      const s = await gw.db.selectFrom('surveys').selectAll().where('conversation_id', '=', convId).executeTakeFirst();
      return s?.status === 'answered' ? s : undefined;
    });
    expect(survey).toMatchObject({ kind: 'csat', score: 4, agent_id: agent.id, team_id: team.id, inbox_id: (await conversation(convId)).inbox_id });
    expect(await conversation(convId)).toMatchObject({ status: 'resolved', reopen_count: 0 });
    const answered = await events(convId, 'survey.answered');
    expect(answered).toHaveLength(1);
    expect(answered[0]).toMatchObject({ agent_id: agent.id, team_id: team.id, actor_type: 'contact', data: { survey: 'csat', score: 4, comment: null } });
    expect(await events(convId, 'survey.sent')).toHaveLength(1);
    expect(await events(convId, 'conversation.reopened')).toHaveLength(0);
    // the answer is stored on the resolved conversation, and is not a question waiting for a reply
    const tapped = await gw.db.selectFrom('messages').selectAll().where('conversation_id', '=', convId).where('content_type', '=', 'quick_reply').executeTakeFirstOrThrow();
    expect(tapped.text).toBe('4 – Tốt');
    const lastReceived = (await events(convId, 'message.received')).at(-1)!;
    expect(lastReceived.data).toMatchObject({ passive: true });

    // then the optional comment, asked once
    await waitFor(() => received.find((m) => m.content.type === 'text' && m.content.text === 'Cảm ơn bạn! Bạn có góp ý gì thêm không?'));
    expect((await send(socket, 'Nhân viên rất nhiệt tình', randomUUID())).ok).toBe(true);
    const commented = await waitFor(async () => (await gw.db.selectFrom('surveys').selectAll().where('conversation_id', '=', convId).executeTakeFirst())?.comment ?? undefined);
    expect(commented).toBe('Nhân viên rất nhiệt tình');
    expect(await conversation(convId)).toMatchObject({ status: 'resolved', reopen_count: 0 });

    // anything else behaves as before: it reopens the conversation
    await send(socket, 'À cho mình hỏi thêm về bảo hành', randomUUID());
    expect(await conversation(convId)).toMatchObject({ status: 'open', reopen_count: 1 });
    await gw.dispatcher.idle();
    const prompts = received.filter((m) => m.content.type === 'text' && /góp ý/.test(m.content.text));
    expect(prompts).toHaveLength(1);
  });

  test('a text answer out of the scale is not an answer: it reopens the conversation and the survey stays unanswered', async () => {
    const { json } = await newSession(url);
    socket = await connectVisitor(url, json.token);
    await send(socket, 'Xin chào', randomUUID());
    const convId = (await gw.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    await gw.actions.resolve(convId, { type: 'system' });
    await gw.dispatcher.idle();
    await send(socket, '7', randomUUID());
    expect(await conversation(convId)).toMatchObject({ status: 'pending', reopen_count: 1 });
    expect(await gw.db.selectFrom('surveys').select(['status', 'score']).where('conversation_id', '=', convId).execute()).toEqual([{ status: 'sent', score: null }]);
    expect(await events(convId, 'survey.answered')).toHaveLength(0);
  });
});
