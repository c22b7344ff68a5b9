/**
 * Issue #10, hostile input at the website widget: the `/widget` Socket.IO namespace
 * (message:send, history:sync, typing, read, prechat:submit, offline:submit) with arbitrary
 * payloads — non-objects, wrong types, huge strings, `__proto__`/`constructor` keys,
 * binary, missing ack callbacks, extra arguments, raw garbage frames — and the HTTP side
 * (POST /widget/api/session, /widget/api/uploads) with hostile bodies and headers.
 * Every ack is `{ok: true, …}` or `{ok: false, error: {code, message}}`; the socket server
 * keeps serving (the same socket, and new visitors); HTTP answers are 2xx or 4xx, never
 * 5xx; Object.prototype gains nothing; the database holds nothing half-written.
 *
 * The request limits are lifted here (OMNIGATE_RATE_LIMITS) so the handlers behind them
 * are what gets fuzzed; the limits have tests of their own.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import WebSocket from 'ws';
import { io as ioClient } from 'socket.io-client';
import type { Bot } from '../../src/core/bot';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { createWidgetChannel } from '../../channels/widget';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { newSession, openVisitor, sync, type VisitorSocket } from '../channels/widget-harness';
import { dbViolations, fuzzOptions, hostileString, hostileValue, prototypeKeys, storableForUri } from './hostile';

jest.setTimeout(120_000);

const NO_LIMITS = ['widget_session_ip', 'widget_message_visitor', 'widget_message_ip', 'widget_offline_visitor', 'upload_visitor', 'upload_ip'].map((n) => `${n}=off`).join(',');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const echoBot: Bot = {
  name: 'echo',
  decide: async (turn) => ({ type: 'answer', faqId: 'echo', confidence: 1, content: [{ type: 'text', text: `Bot: ${turn.text}`.slice(0, 2000) }], state: {} }),
};

type AckResult = { ok?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
const ACK_EVENTS = ['message:send', 'history:sync', 'prechat:submit', 'offline:submit'] as const;
const ALL_EVENTS = [...ACK_EVENTS, 'typing', 'read'] as const;

/** What the client would send fits well under Socket.IO's 1 MB packet limit (maxHttpBufferSize). */
const underPacketLimit = (payload: unknown): boolean => (JSON.stringify(payload)?.length ?? 0) < 800_000;

/** A well-formed ack: ok, or not ok with a coded error. */
function ackProblem(result: AckResult): string | null {
  if (!result || typeof result !== 'object') return `ack is ${JSON.stringify(result)}`;
  if (result.ok === true) return null;
  if (result.ok !== false) return `ack.ok is ${JSON.stringify(result.ok)}`;
  if (typeof result.error?.code !== 'string' || typeof result.error.message !== 'string') return `error without code/message: ${JSON.stringify(result.error)}`;
  if (result.error.code === 'WIDGET_INTERNAL') return 'WIDGET_INTERNAL: an unexpected server error behind the ack';
  return null;
}

/** Payloads for each event: arbitrary values, and the real shape with hostile fields. */
const payloadFor = (event: string): fc.Arbitrary<unknown> => {
  const clientId = fc.oneof(fc.uuid().map(String), hostileString);
  const shaped: Record<string, fc.Arbitrary<unknown>> = {
    'message:send': fc.oneof(
      // The real shape with a hostile text: these reach the pipeline.
      { weight: 3, arbitrary: fc.record({ clientId: fc.uuid().map(String), content: fc.record({ type: fc.constantFrom('text', 'quick_reply'), text: fc.oneof(hostileString, fc.string({ unit: 'binary', minLength: 1, maxLength: 200 })), payload: fc.constant('p') }) }) },
      {
        weight: 2,
        arbitrary: fc.record({
          clientId,
          content: fc.oneof(
            fc.record({ type: fc.constantFrom('text', 'quick_reply', 'upload', 'image', '__proto__', 'file'), text: hostileString, payload: hostileString, uploadId: fc.oneof(fc.uuid().map(String), hostileString) }, { requiredKeys: ['type'] }),
            hostileValue,
          ),
        }),
      },
    ),
    'history:sync': fc.record({ afterId: fc.oneof(fc.integer(), fc.double(), hostileString, hostileValue), conversationId: fc.integer() }, { requiredKeys: [] }),
    'prechat:submit': fc.record({ name: hostileString, phone: hostileString, email: fc.oneof(hostileString, fc.emailAddress()) }, { requiredKeys: [] }),
    'offline:submit': fc.record({ name: hostileString, phone: fc.oneof(hostileString, fc.constant('0912 345 678')), email: fc.oneof(hostileString, fc.emailAddress()), message: hostileString }, { requiredKeys: [] }),
    typing: fc.record({ typing: hostileValue }, { requiredKeys: [] }),
    read: fc.record({ lastReadId: fc.oneof(fc.integer(), hostileValue) }, { requiredKeys: [] }),
  };
  return fc.oneof(
    hostileValue,
    shaped[event]!,
    fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
    fc.constantFrom<unknown>(undefined, null, 0, '', [], Object.fromEntries([['__proto__', { polluted: true }]]), { constructor: { prototype: { polluted: true } } }),
  );
};

describe.each(testDatabases().map((d) => [d.kind, d] as const))('widget under hostile input on %s', (_kind, database) => {
  let gw: Gateway;
  let url: string;
  const sockets: VisitorSocket[] = [];
  const protoBefore = prototypeKeys();

  beforeAll(async () => {
    const { store, dataDir } = await database.open();
    gw = await createGateway({ config: testConfig({ DATA_DIR: dataDir, OMNIGATE_RATE_LIMITS: NO_LIMITS }), store, channels: [createWidgetChannel()], bot: echoBot });
    await createInbox(gw.db, { channel: 'widget', accountId: 'shop', name: 'Shop', botEnabled: true, settings: {} });
    url = await gw.listen();
  });
  afterAll(async () => {
    for (const s of sockets.splice(0)) s.close();
    await gw?.close();
  });

  const visitor = () => openVisitor(url, sockets);
  const emitWithAck = (socket: VisitorSocket, event: string, payload: unknown): Promise<AckResult> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${event} within 5 s`)), 5000);
      (socket.emit as (e: string, p: unknown, ack: (r: AckResult) => void) => void)(event, payload, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  const healthy = async () => (await fetch(`${url}/healthz`)).status === 200;
  /** history:sync that fails after 5 s instead of waiting forever on a dropped socket. */
  const syncWithin = (socket: VisitorSocket) =>
    Promise.race([sync(socket, 0), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('history:sync not answered within 5 s')), 5000))]);

  test('every event with any payload is acknowledged ok or with a coded error, and the socket keeps serving', async () => {
    const pool = await Promise.all([visitor(), visitor(), visitor()]);
    const seen: Record<string, Record<string, number>> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.nat(pool.length - 1),
        // Under Socket.IO's 1 MB packet limit (over it the server drops the connection, by design: the frames test covers that).
        fc.constantFrom(...ACK_EVENTS).chain((event) => fc.tuple(fc.constant(event), payloadFor(event).filter(underPacketLimit))),
        async (who, [event, payload]) => {
          const { socket } = pool[who]!;
          const result = await emitWithAck(socket, event, payload);
          const problem = ackProblem(result);
          if (problem) throw new Error(`${event}: ${problem}`);
          const outcome = result?.ok === true ? 'ok' : String(result?.error?.code);
          seen[event] = { ...seen[event], [outcome]: (seen[event]?.[outcome] ?? 0) + 1 };
          expect(socket.connected).toBe(true);
        },
      ),
      fuzzOptions(200),
    );
    console.info(`[fuzz-widget] acks ${JSON.stringify(seen)}`);
    // Both sides were exercised: hostile messages were stored (ok) and refused (coded errors).
    expect(seen['message:send']?.ok).toBeGreaterThan(5);
    expect(Object.keys(seen['message:send'] ?? {}).length).toBeGreaterThan(1);
    for (const { socket } of pool) expect(Array.isArray(await syncWithin(socket))).toBe(true);
    expect(await healthy()).toBe(true);
  });

  test('events without an ack callback, with extra arguments, or with unknown names do not disturb the server', async () => {
    const { socket } = await visitor();
    const raw = socket as unknown as { emit(event: string, ...args: unknown[]): void };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<string>(...ALL_EVENTS, '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'message', 'status', 'x'.repeat(1000)),
        fc.array(fc.oneof(hostileValue, fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a))), { maxLength: 3 }).filter(underPacketLimit),
        async (event, args) => {
          raw.emit(event, ...args);
        },
      ),
      fuzzOptions(),
    );
    // The same socket still works: the server neither crashed nor dropped it.
    expect(Array.isArray(await syncWithin(socket))).toBe(true);
    expect(socket.connected).toBe(true);
    expect(await healthy()).toBe(true);
  });

  test('garbage Socket.IO / Engine.IO frames close that connection only; the server and other visitors carry on', async () => {
    const bystander = await visitor();
    const { json } = await newSession(url);
    const frames = [
      'garbage',
      '4',
      '42/widget,',
      '42/widget,["message:send",',
      `42/widget,${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      '42/widget,["__proto__",{"polluted":true}]',
      '42/widget,{"0":"message:send"}',
      '451-/widget,["message:send",{"_placeholder":true,"num":0},1]',
      '451-/widget,["message:send",{"_placeholder":true,"num":99}]',
      '42/widget,1["history:sync",{"afterId":0}]',
      '42/widget,99999999999999999999999["history:sync",{"afterId":0}]',
      '40/nope,',
      '40/widget,{"inbox":{"__proto__":{"x":1}},"token":[]}',
      `42/widget,["message:send",{"clientId":"${randomUUID()}","content":{"type":"text","text":"${'A'.repeat(1_100_000)}"}}]`,
    ];
    let opened = 0;
    await Promise.all(frames.map(async (frame) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      await new Promise<void>((resolve) => {
        const done = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1500);
        ws.on('open', () => {
          opened++;
          // The namespace connect with a valid token first, so the frame reaches the widget's handlers.
          ws.send(`40/widget,${JSON.stringify({ inbox: 'shop', token: json.token })}`);
          setTimeout(() => ws.send(frame), 50);
        });
        ws.on('close', () => {
          clearTimeout(done);
          resolve();
        });
        ws.on('error', () => undefined);
      });
    }));
    expect(opened).toBe(frames.length);
    expect(await healthy()).toBe(true);
    expect(Array.isArray(await syncWithin(bystander.socket))).toBe(true);
    const late = await visitor();
    expect(Array.isArray(await syncWithin(late.socket))).toBe(true);
  });

  test('a long-polling client sending garbage payloads gets 4xx, never 5xx', async () => {
    const open = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    const sid = /"sid":"([^"]+)"/.exec(await open.text())?.[1];
    expect(sid).toBeTruthy();
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString, fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a))), async (body) => {
        const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body });
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
      }),
      fuzzOptions(30),
    );
    expect(await healthy()).toBe(true);
  });

  test('hostile text through the socket: NUL and lone surrogates are cleaned, markup stays text, the visitor is never stuck', async () => {
    const { socket, visitorId } = await visitor();
    const send = (text: string) => emitWithAck(socket, 'message:send', { clientId: randomUUID(), content: { type: 'text', text } });
    const first = await send('xin chào');
    expect(first?.ok).toBe(true);
    for (const text of ['a\u0000b', 'x\ud800y', '<img src=x onerror=window.__xss=1>', "=cmd|' /C calc'!A0"]) {
      const r = await send(text);
      expect(ackProblem(r)).toBeNull();
      expect(r?.ok).toBe(true);
    }
    expect((await send('còn đó không?'))?.ok).toBe(true);
    const stored = await gw.db
      .selectFrom('messages as m')
      .innerJoin('contact_identities as ci', 'ci.contact_id', 'm.sender_id')
      .select('m.text')
      .where('ci.external_id', '=', visitorId)
      .orderBy('m.id')
      .execute();
    expect(stored.map((r) => r.text)).toEqual(['xin chào', 'ab', 'x\uFFFDy', '<img src=x onerror=window.__xss=1>', "=cmd|' /C calc'!A0", 'còn đó không?']);
  });

  test('a pre-chat / offline-form name with a NUL is saved without it, and the offline form is not refused', async () => {
    const { socket, visitorId } = await visitor();
    expect((await emitWithAck(socket, 'message:send', { clientId: randomUUID(), content: { type: 'text', text: 'xin chào' } }))?.ok).toBe(true);
    expect(ackProblem(await emitWithAck(socket, 'prechat:submit', { name: 'Lan\u0000' }))).toBeNull();
    const nameOf = async () =>
      (await gw.db.selectFrom('contacts as c').innerJoin('contact_identities as ci', 'ci.contact_id', 'c.id').select('c.name').where('ci.external_id', '=', visitorId).executeTakeFirstOrThrow()).name;
    // The ack said ok: the name must then be stored (without the NUL), not silently dropped.
    expect(await nameOf()).toBe('Lan');
    const offline = await emitWithAck(socket, 'offline:submit', { name: 'Lan\u0000', email: 'lan@example.com', message: 'gọi lại giúp em' });
    expect(ackProblem(offline)).toBeNull();
    expect(offline?.ok).toBe(true);
  });

  test('POST /widget/api/session with hostile bodies and headers: 2xx or 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileValue.map((v) => JSON.stringify(v) ?? 'null'),
          fc.record({ inbox: fc.oneof(fc.constant('shop'), hostileString), token: hostileString, identifier: hostileString, identifierHash: hostileString, lang: hostileString }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
          fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
          fc.constant('x'.repeat(5000)),
        ),
        fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'application/json; charset=utf-32', 'application/x-www-form-urlencoded'),
        fc.constantFrom(undefined, 'https://evil.example', 'null', '%', 'x'.repeat(2000)),
        async (body, contentType, origin) => {
          const headers: Record<string, string> = { 'content-type': contentType };
          if (origin) headers.origin = origin;
          const res = await fetch(`${url}/widget/api/session`, { method: 'POST', headers, body });
          await res.arrayBuffer();
          if (res.status >= 500) throw new Error(`session answered ${res.status} to ${String(body).slice(0, 200)}`);
        },
      ),
      fuzzOptions(),
    );
    expect(await healthy()).toBe(true);
  });

  test('POST /widget/api/uploads with hostile bodies, tokens and (well-formed) file names: 201 or 4xx, never 5xx', async () => {
    const { token } = await visitor();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)), fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.concat([PNG, Buffer.from(a)])), fc.constant(Buffer.from('<html><script>window.__xss=1</script></html>'))),
        fc.oneof(fc.constant(`Bearer ${token}`), hostileString.filter((s) => /^[\t\x20-\x7e]*$/.test(s)).map((s) => `Bearer ${s}`), fc.constant('')),
        hostileString.map(storableForUri).map((s) => encodeURIComponent(s)),
        async (body, authorization, filename) => {
          const res = await fetch(`${url}/widget/api/uploads`, { method: 'POST', headers: { authorization, 'x-filename': filename, 'content-type': 'application/octet-stream' }, body });
          await res.arrayBuffer();
          if (res.status >= 500) throw new Error(`upload answered ${res.status} (x-filename ${filename.slice(0, 80)})`);
        },
      ),
      fuzzOptions(),
    );
    expect(await healthy()).toBe(true);
  });

  test('an upload whose X-Filename is not valid percent-encoding is refused with 4xx, not a 500', async () => {
    const { token } = await visitor();
    const answers: Record<string, number> = {};
    for (const filename of ['%E0%A4%A', '%', 'abc%zz.png', '%C0%AF']) {
      const res = await fetch(`${url}/widget/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-filename': filename }, body: PNG });
      await res.arrayBuffer();
      answers[filename] = res.status;
    }
    // Each one either stored under a safe name (201) or refused as a bad request (400): never an internal error.
    expect(Object.values(answers).filter((status) => status >= 500)).toEqual([]);
    expect(answers).toEqual({ '%E0%A4%A': expect.any(Number), '%': expect.any(Number), 'abc%zz.png': expect.any(Number), '%C0%AF': expect.any(Number) });
  });

  test('after all of it: the database is consistent and Object.prototype untouched', async () => {
    await gw.pipeline.drain();
    expect(await dbViolations(gw.db)).toEqual([]);
    expect(prototypeKeys()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(await healthy()).toBe(true);
    // The fuzz also hit the socket through a client that was not the real one: a plain client connects fine.
    const probe = ioClient(`${url}/widget`, { auth: { inbox: 'shop', token: 'nope' }, transports: ['websocket'], reconnection: false, forceNew: true });
    const refused = await new Promise<string>((resolve) => probe.once('connect_error', (e) => resolve(e.message)));
    probe.close();
    expect(refused).toBe('WIDGET_INVALID_TOKEN');
  });
});
