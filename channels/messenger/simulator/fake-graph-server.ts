import { createHmac, randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSendBody, type GraphFailureSpec } from './send-api-check';

/**
 * A fake Graph API on 127.0.0.1 (a real HTTP server on a free port) that answers like Meta
 * for what the Messenger channel uses: `POST /{version}/me/messages` (and
 * `/{version}/{pageId}/messages`) for messages and sender actions, `GET /{version}/{psid}`
 * for profiles, `GET /{version}/me` for the token's Page. It checks the bearer token against the configured Page tokens (190
 * otherwise), validates bodies (send-api-check.ts), records every call, and can be told to
 * fail. Used by the tests and by `omnigate simulate messenger`: point
 * MESSENGER_GRAPH_URL at `url`.
 */

export interface FakeUser {
  first_name: string;
  last_name: string;
  profile_pic?: string;
}

export interface FakeGraphOptions {
  /** Page id → Page access token. */
  pages: Record<string, string>;
  /** Contacts: PSID → profile. When given, sends to other PSIDs fail with 100/2018001. */
  users?: Record<string, FakeUser>;
  /** When given, every call must carry a valid `appsecret_proof`. */
  appSecret?: string;
  /** Page id → Page name, answered by `GET /me` (default `Page <id>`). */
  pageNames?: Record<string, string>;
  /** Whether the app has the Human Agent feature (MESSAGE_TAG/HUMAN_AGENT accepted); default true. */
  humanAgent?: boolean;
}

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (null when none or not JSON). */
  body: unknown;
  /** The Page the token belongs to, when it matched one. */
  pageId: string | null;
  /** HTTP status answered (0: never answered, see hangNext). */
  status: number;
  response: unknown;
}

export interface FakeGraph {
  /** Base URL (no version), for MESSENGER_GRAPH_URL. */
  readonly url: string;
  readonly calls: RecordedCall[];
  /** Successful message sends (not sender actions). */
  sentMessages(): RecordedCall[];
  /** The next `n` calls fail with this Graph error. */
  failNext(n: number, failure: GraphFailureSpec): void;
  /** Every call fails with this error for the next `ms` milliseconds. */
  failFor(ms: number, failure: GraphFailureSpec): void;
  /** The next `n` calls are received but never answered (client timeouts). */
  hangNext(n: number): void;
  /** A Page created after start (e.g. one an admin adds through the API). */
  addPage(pageId: string, token: string, name?: string): void;
  /** Forget calls and pending failures. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  1: 'An unknown error occurred',
  2: 'An unexpected error has occurred. Please retry your request later.',
  4: 'Application request limit reached',
  10: 'This message is sent outside of allowed window.',
  100: '(#100) Invalid parameter',
  190: 'Invalid OAuth access token - Cannot parse access token',
  551: "This person isn't available right now.",
  613: 'Calls to this api have exceeded the rate limit.',
};

export async function startFakeGraph(opts: FakeGraphOptions): Promise<FakeGraph> {
  const calls: RecordedCall[] = [];
  let failures: { left: number; failure: GraphFailureSpec }[] = [];
  let failUntil: { until: number; failure: GraphFailureSpec } | null = null;
  let hang = 0;
  const hanging = new Set<ServerResponse>();
  const pageOfToken = new Map(Object.entries(opts.pages).map(([page, token]) => [token, page]));
  const pageNames = new Map(Object.entries(opts.pageNames ?? {}));

  const nextFailure = (): GraphFailureSpec | null => {
    const queued = failures.find((f) => f.left > 0);
    if (queued) {
      queued.left--;
      failures = failures.filter((f) => f.left > 0);
      return queued.failure;
    }
    return failUntil && Date.now() < failUntil.until ? failUntil.failure : null;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const call: RecordedCall = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: parseJson(raw), pageId: null, status: 0, response: null };
    calls.push(call);
    const answer = (status: number, response: unknown) => {
      call.status = status;
      call.response = response;
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(response));
    };
    const fail = (f: GraphFailureSpec) => answer(f.status ?? (f.code === 1 || f.code === 2 ? 500 : 400), graphError(f));

    if (hang > 0) {
      hang--;
      hanging.add(res);
      return;
    }
    const token = bearer(req.headers.authorization) ?? url.searchParams.get('access_token');
    const pageId = token ? pageOfToken.get(token) ?? null : null;
    call.pageId = pageId;
    if (!token || !pageId) return fail({ code: 190, type: 'OAuthException' });
    if (opts.appSecret && url.searchParams.get('appsecret_proof') !== createHmac('sha256', opts.appSecret).update(token).digest('hex')) {
      return fail({ code: 100, type: 'GraphMethodException', message: 'Invalid appsecret_proof provided in the API argument' });
    }
    const injected = nextFailure();
    if (injected) return fail(injected);

    const parts = url.pathname.split('/').filter(Boolean);
    if (!/^v\d+\.\d+$/.test(parts[0] ?? '')) return fail({ code: 2500, message: 'Unknown path components', status: 400 });
    if (req.method === 'POST' && parts.length === 3 && parts[2] === 'messages') {
      if (parts[1] !== 'me' && parts[1] !== pageId) return fail({ code: 100, message: '(#100) The token does not belong to this Page' });
      return sendMessage(call.body, answer, fail);
    }
    if (req.method === 'GET' && parts.length === 2 && parts[1] === 'me') return answer(200, { id: pageId, name: pageNames.get(pageId) ?? `Page ${pageId}` });
    if (req.method === 'GET' && parts.length === 2 && parts[1]) return getProfile(parts[1], call.query.fields, answer, fail);
    return fail({ code: 100, message: `(#100) Unsupported ${req.method?.toLowerCase()} request` });
  };

  const sendMessage = (body: unknown, answer: (s: number, r: unknown) => void, fail: (f: GraphFailureSpec) => void) => {
    const problem = checkSendBody(body, { humanAgent: opts.humanAgent ?? true });
    if (problem) return fail(problem);
    const psid = (body as { recipient: { id: string } }).recipient.id;
    if (opts.users && !opts.users[psid]) return fail({ code: 100, subcode: 2018001, message: 'No matching user found' });
    if ((body as { sender_action?: string }).sender_action) return answer(200, { recipient_id: psid });
    return answer(200, { recipient_id: psid, message_id: `m_${randomBytes(24).toString('base64url')}` });
  };

  const getProfile = (psid: string, fields: string | undefined, answer: (s: number, r: unknown) => void, fail: (f: GraphFailureSpec) => void) => {
    const user = opts.users?.[psid];
    if (!user) return fail({ code: 100, subcode: 33, message: `Unsupported get request. Object with ID '${psid}' does not exist` });
    const wanted = (fields ?? 'first_name,last_name,profile_pic').split(',');
    const all: Record<string, string | undefined> = { ...user, id: psid };
    return answer(200, Object.fromEntries(['id', ...wanted].filter((f) => all[f] !== undefined).map((f) => [f, all[f]])));
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(graphError({ code: 1, message: String(err) })));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    sentMessages: () => calls.filter((c) => c.status === 200 && (c.response as { message_id?: string } | null)?.message_id !== undefined),
    failNext: (n, failure) => void failures.push({ left: n, failure }),
    failFor: (ms, failure) => void (failUntil = { until: Date.now() + ms, failure }),
    hangNext: (n) => void (hang += n),
    addPage: (pageId, token, name) => {
      pageOfToken.set(token, pageId);
      if (name) pageNames.set(pageId, name);
    },
    reset: () => {
      calls.length = 0;
      failures = [];
      failUntil = null;
      hang = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function graphError(f: GraphFailureSpec): unknown {
  return {
    error: {
      message: f.message ?? DEFAULT_MESSAGES[f.code] ?? 'An error occurred',
      type: f.type ?? 'OAuthException',
      code: f.code,
      ...(f.subcode !== undefined ? { error_subcode: f.subcode } : {}),
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  };
}

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1] ?? null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
