import type { Express } from 'express';
import { composeGateway } from '../../app/compose';
import { loadSettings } from '../../app/settings';
import type { Gateway } from '../../src/server/gateway';
import { accessOf, OPEN_MOUNTS, OPEN_ROUTES, type RouteAccess } from '../../src/api/route-access';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import { upsertEntry } from '../../bots/faq/faq-store';
import { insertMessage } from '../../src/store/repos/messages';
import { scheduleFollowUp } from '../../src/follow-ups/follow-up-store';
import { mergeContacts } from '../../src/contacts/merge';
import { freshDataDir } from '../support/databases';

/**
 * The authorization matrix of issue #10: every route the composed application serves ×
 * every kind of caller → the status the route's rule says. The routes are read from
 * Express's own router stack, and each one's rule from `requireAgent` (agent routes) or
 * src/api/route-access.ts (every other door) — a new route without a rule fails here.
 */

type Caller = 'none' | 'visitor' | 'outsider' | 'agent' | 'supervisor' | 'admin';
const CALLERS: Caller[] = ['none', 'visitor', 'outsider', 'agent', 'supervisor', 'admin'];
type Expected = 'allowed' | 'refused' | 401 | 403 | 404;

interface Route {
  method: string;
  path: string;
  access: RouteAccess | undefined;
}

interface Layer {
  name: string;
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) with its rule, and every `use` that serves files itself. */
function routesOf(app: Express): { routes: Route[]; fileMounts: string[] } {
  const routes: Route[] = [];
  const fileMounts: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = prefix + layer.route.path;
        for (const m of Object.keys(layer.route.methods).filter((k) => k !== '_all')) {
          const method = m.toUpperCase();
          const tagged = layer.route.stack.map((s) => accessOf(s.handle)).find((a) => a !== undefined);
          routes.push({ method, path, access: tagged ?? OPEN_ROUTES[`${method} ${path}`] });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
      } else if (layer.name === 'serveStatic') {
        fileMounts.push(prefix + (layer.rawPath ?? ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return { routes, fileMounts };
}

/** Conversation- and contact-scoped routes: an agent outside the inbox is told "not found". */
const inboxScoped = (path: string) => /^\/api\/v1\/(conversations|contacts|contact-merges|follow-ups)\/:id/.test(path);

function expected(route: Route, caller: Caller): Expected {
  const access = route.access!;
  switch (access.kind) {
    case 'public':
      return 'allowed';
    case 'signed':
      return 'refused'; // without the signature nobody gets in, whatever else they hold
    case 'visitor':
      return caller === 'visitor' ? 'allowed' : 401;
    case 'agent': {
      if (caller === 'none' || caller === 'visitor') return 401;
      const role = caller === 'outsider' ? 'agent' : caller;
      if (access.roles.length > 0 && !access.roles.includes(role)) return 403;
      if (caller === 'outsider' && inboxScoped(route.path)) return 404;
      return 'allowed';
    }
  }
}

function meets(status: number, want: Expected): boolean {
  if (status >= 500) return false;
  if (want === 'allowed') return ![401, 403, 404].includes(status);
  if (want === 'refused') return [400, 401, 403, 404].includes(status);
  return status === want;
}

// Strings that exist only in inbox A's data: none may reach an agent outside inbox A.
const MARKERS = { inbox: 'Inbox-A-marker-7731', contact: 'Contact-A-marker-5519', message: 'Message-A-marker-2288', faq: 'FAQ-A-marker-9042' };
const PASSWORD = 'matrix-password-123';

describe('authorization matrix: every route × every caller', () => {
  let gw: Gateway;
  let url: string;
  const tokens = {} as Record<Exclude<Caller, 'none'>, string>;
  const ids = {} as Record<'inboxA' | 'conv' | 'message' | 'failed' | 'contact', number>;
  let seq = 0;

  beforeAll(async () => {
    gw = await composeGateway(
      loadSettings({
        DATA_DIR: await freshDataDir(),
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        // Two callers without an agent token × every route is more than the per-address budget
        // (api_ip, 120 a minute): lifted so each call meets its rule, not the limit (tested on its own).
        OMNIGATE_RATE_LIMITS: 'api_ip=off',
        // Every channel on, so its routes are served (and checked); their platforms are never reached.
        MESSENGER_APP_SECRET: 'matrix-app-secret',
        MESSENGER_VERIFY_TOKEN: 'matrix-verify-token',
        MESSENGER_PAGES: '1001:matrix-page-token',
        MESSENGER_GRAPH_URL: 'http://127.0.0.1:9',
        ZALO_APP_ID: '2002',
        ZALO_APP_SECRET: 'matrix-zalo-app-secret',
        ZALO_OA_ID: '3003',
        ZALO_OA_SECRET_KEY: 'matrix-oa-secret-key',
        ZALO_ACCESS_TOKEN: 'matrix-zalo-access',
        ZALO_REFRESH_TOKEN: 'matrix-zalo-refresh',
        ZALO_API_URL: 'http://127.0.0.1:9',
        ZALO_OAUTH_URL: 'http://127.0.0.1:9',
      }),
    );
    const db = gw.db;
    const inboxA = await createInbox(db, { channel: 'widget', accountId: 'shop-a', name: MARKERS.inbox, botEnabled: false });
    const inboxB = await createInbox(db, { channel: 'widget', accountId: 'shop-b', name: 'Inbox B', botEnabled: false });
    ids.inboxA = inboxA.id;
    for (const [caller, role, inbox] of [['outsider', 'agent', inboxB.id], ['agent', 'agent', inboxA.id], ['supervisor', 'supervisor', null], ['admin', 'admin', null]] as const) {
      const a = await upsertAgent(db, { email: `${caller}@matrix.test`, name: caller, role, password: PASSWORD });
      if (inbox) await db.insertInto('inbox_members').values({ inbox_id: inbox, agent_id: a.id }).execute();
    }
    await upsertEntry(db, { id: 'faq-a', question: MARKERS.faq, variants: [], answer: 'chỉ cho inbox A', lang: 'vi', inboxId: inboxA.id });
    url = await gw.listen();
    for (const caller of ['outsider', 'agent', 'supervisor', 'admin'] as const) tokens[caller] = await login(caller);
    const session = await fetch(`${url}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inbox: 'shop-a' }) });
    expect(session.status).toBe(200);
    const visitor = (await session.json()) as { token: string; visitorId: string };
    tokens.visitor = visitor.token;
    const stored = await gw.pipeline.ingest({
      kind: 'message',
      channel: 'widget',
      accountId: 'shop-a',
      externalUserId: visitor.visitorId,
      externalId: 'matrix-1',
      sentAt: new Date(),
      content: { type: 'text', text: MARKERS.message },
      profile: { name: MARKERS.contact },
    });
    ids.conv = stored.conversationId!;
    ids.message = stored.messageId!;
    // A reply that failed, for the retry route.
    const failed = await insertMessage(db, { conversationId: ids.conv, inboxId: inboxA.id, direction: 'out', senderType: 'agent', senderId: null, content: { type: 'text', text: 'xin lỗi' }, status: 'failed', externalId: null, sentAt: new Date() });
    ids.failed = failed!.id;
    await db.insertInto('outbox').values({ message_id: ids.failed, conversation_id: ids.conv, inbox_id: inboxA.id, status: 'failed', next_attempt_at: new Date(), last_error: 'test', updated_at: new Date() }).execute();
    ids.contact = (await db.selectFrom('conversations').select('contact_id').where('id', '=', ids.conv).executeTakeFirstOrThrow()).contact_id;
  }, 60_000);
  afterAll(async () => gw?.close());

  async function login(caller: string): Promise<string> {
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${caller}@matrix.test`, password: PASSWORD }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  }

  /** A value for each path parameter: the shared fixtures, or something made for this call where the call may change or delete it. */
  async function fill(route: Route): Promise<string> {
    const db = gw.db;
    const n = ++seq;
    let path = route.path;
    for (const [, name] of route.path.matchAll(/:(\w+)/g)) {
      const base = route.path.slice(0, route.path.indexOf(`:${name}`));
      let value: string | number;
      if (name === 'messageId') value = ids.failed;
      else if (base === '/api/v1/conversations/') value = ids.conv;
      else if (base === '/api/v1/contacts/') value = ids.contact;
      else if (base === '/api/v1/contact-merges/') value = await mergeInInboxA(n);
      else if (base === '/api/v1/agents/') value = (await upsertAgent(db, { email: `victim${n}@matrix.test`, name: `victim ${n}`, role: 'agent', password: PASSWORD })).id;
      else if (base === '/api/v1/teams/') value = (await db.insertInto('teams').values({ name: `team ${n}` }).returning('id').executeTakeFirstOrThrow()).id;
      else if (base === '/api/v1/inboxes/') value = (await createInbox(db, { channel: 'widget', accountId: `victim-${n}`, name: `victim ${n}` })).id;
      else if (base === '/api/v1/canned-responses/') value = (await db.insertInto('canned_responses').values({ short_code: `c${n}`, content: 'xin chào' }).returning('id').executeTakeFirstOrThrow()).id;
      else if (base === '/api/v1/segments/') value = (await db.insertInto('segments').values({ name: `segment ${n}`, filter: '{}', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
      else if (base === '/api/v1/campaigns/') value = (await db.insertInto('campaigns').values({ name: `campaign ${n}`, filter: '{}', inbox_ids: '[]', content: JSON.stringify({ text: 'Khuyến mãi' }), status: 'draft', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow()).id;
      else if (base === '/api/v1/follow-ups/') value = (await scheduleFollowUp(db, { conversationId: ids.conv, agentId: (await db.selectFrom('agents').select('id').orderBy('id').executeTakeFirstOrThrow()).id, text: `hỏi thăm ${n}`, dueAt: new Date(Date.now() + 86_400_000), now: new Date() })).id;
      else if (base === '/api/v1/faq/') value = (await upsertEntry(db, { id: `victim-${n}`, question: `câu hỏi ${n}`, variants: [], answer: 'trả lời', lang: 'vi', inboxId: null })).id;
      else if (name === 'pageId') value = '1001';
      else if (name === 'oaId') value = '3003';
      else if (base === '/uploads/') value = 'not-a-signed-link';
      else if (base === '/demo/') value = 'index.html';
      else throw new Error(`no fixture for :${name} in ${route.method} ${route.path}: add one to fill()`);
      path = path.replace(`:${name}`, encodeURIComponent(String(value)));
    }
    return path;
  }

  /** A merge of two contacts of inbox A, for the undo route (each call undoes its own). */
  async function mergeInInboxA(n: number): Promise<number> {
    const [a, b] = await Promise.all(['a', 'b'].map(async (side) => (await gw.pipeline.ingest({ kind: 'message', channel: 'widget', accountId: 'shop-a', externalUserId: `merge-${side}-${n}`, externalId: `merge-${side}-${n}`, sentAt: new Date(), content: { type: 'text', text: 'xin chào' } })).conversationId!));
    const [survivor, merged] = await Promise.all([a, b].map(async (conv) => (await gw.db.selectFrom('conversations').select('contact_id').where('id', '=', conv!).executeTakeFirstOrThrow()).contact_id));
    return (await gw.db.transaction().execute((trx) => mergeContacts(trx, survivor!, merged!, { reason: 'agent', agentId: null, now: new Date() }))).id;
  }

  async function call(route: Route, caller: Caller): Promise<{ status: number; body: string }> {
    const path = await fill(route);
    // Signing out ends the token used: that call gets a token of its own.
    const token = caller === 'none' ? null : route.path === '/api/v1/auth/logout' && caller !== 'visitor' ? await login(caller) : tokens[caller];
    const res = await fetch(`${url}${path}`, {
      method: route.method,
      redirect: 'manual',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { 'content-type': 'application/json' }) },
      body: route.method === 'GET' || route.method === 'HEAD' ? undefined : '{}',
    });
    return { status: res.status, body: await res.text() };
  }

  test('every route served has an access rule, and every rule names a served route', () => {
    const { routes, fileMounts } = routesOf(gw.app);
    expect(routes.length).toBeGreaterThan(60);
    expect(routes.filter((r) => !r.access).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const served = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(Object.keys(OPEN_ROUTES).filter((k) => !served.has(k))).toEqual([]);
    expect(fileMounts.filter((m) => !OPEN_MOUNTS[m])).toEqual([]);
  });

  test('each route answers each caller as its rule says, and never with a server error', async () => {
    const { routes } = routesOf(gw.app);
    const wrong: string[] = [];
    for (const route of routes) {
      for (const caller of CALLERS) {
        const want = expected(route, caller);
        const { status } = await call(route, caller);
        if (!meets(status, want)) wrong.push(`${route.method} ${route.path} as ${caller}: ${status}, expected ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  test("nothing an agent outside inbox A can read shows inbox A's inbox, contact, messages or FAQ", async () => {
    const { routes } = routesOf(gw.app);
    const leaks: string[] = [];
    let read = 0;
    for (const route of routes.filter((r) => r.method === 'GET' && r.access?.kind === 'agent')) {
      const { status, body } = await call(route, 'outsider');
      if (status !== 200) continue;
      read++;
      for (const [what, marker] of Object.entries(MARKERS)) if (body.includes(marker)) leaks.push(`${route.path} shows inbox A's ${what}`);
    }
    expect(read).toBeGreaterThan(5);
    expect(leaks).toEqual([]);
    // The same reads do show them to the member (the markers are really there to find).
    const seen = await Promise.all(['/api/v1/conversations', '/api/v1/inboxes', '/api/v1/faq', `/api/v1/conversations/${ids.conv}/messages`].map(async (p) => (await fetch(`${url}${p}`, { headers: { authorization: `Bearer ${tokens.agent}` } })).text()));
    expect(seen.join('\n')).toEqual(expect.stringContaining(MARKERS.contact));
    for (const marker of [MARKERS.inbox, MARKERS.faq, MARKERS.message]) expect(seen.join('\n')).toContain(marker);
  }, 60_000);
});
