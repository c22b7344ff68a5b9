import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Gateway } from '../../src/server/gateway';
import { identityHash } from '../../channels/widget/visitor-token';
import { testDatabases } from '../support/databases';
import { connectVisitor, newSession, startWidgetGateway, sync, type VisitorSocket } from './widget-harness';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const [database] = testDatabases();

describe('widget over HTTP: sessions, identity, uploads, forms', () => {
  let gw: Gateway;
  let url: string;
  const sockets: VisitorSocket[] = [];

  beforeEach(async () => {
    const { store, dataDir } = await database!.open();
    ({ gw, url } = await startWidgetGateway(store, {
      dataDir,
      settings: { identitySecret: 'identity-secret-0123456789', prechat: { name: 'required', phone: 'optional', email: 'off' }, greeting: 'Xin chào!' },
    }));
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await gw?.close();
  });

  const upload = async (token: string, body: Buffer, type: string, name = 'a.png') =>
    fetch(`${url}/widget/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type, 'x-filename': encodeURIComponent(name) }, body: new Uint8Array(body) });

  test('a session tells the widget the inbox settings; an unknown inbox is a clear 404', async () => {
    const ok = await newSession(url);
    expect(ok.status).toBe(200);
    expect(ok.json.inbox).toEqual({ name: 'Shop', greeting: 'Xin chào!', lang: 'vi', prechat: { name: 'required', phone: 'optional', email: 'off' }, agentsOnline: false });
    const missing = await newSession(url, { inbox: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.json.error?.code).toBe('WIDGET_UNKNOWN_INBOX');
    const bad = await newSession(url, { inbox: 42 });
    expect(bad.status).toBe(400);
  });

  test('a verified logged-in user is the same contact on every device; a wrong hash is refused', async () => {
    const hash = identityHash('identity-secret-0123456789', 'customer-981');
    const laptop = await newSession(url, { inbox: 'shop', identifier: 'customer-981', identifierHash: hash });
    const phone = await newSession(url, { inbox: 'shop', identifier: 'customer-981', identifierHash: hash });
    expect(laptop.json.visitorId).toBe('user:customer-981');
    expect(phone.json.visitorId).toBe(laptop.json.visitorId);
    const a = await connectVisitor(url, laptop.json.token);
    sockets.push(a);
    await new Promise((r) => a.emit('message:send', { clientId: randomUUID(), content: { type: 'text', text: 'từ laptop' } }, r));
    const b = await connectVisitor(url, phone.json.token);
    sockets.push(b);
    expect((await sync(b, 0)).map((m) => (m.content as { text: string }).text)).toEqual(['từ laptop']);
    const forged = await newSession(url, { inbox: 'shop', identifier: 'customer-981', identifierHash: identityHash('wrong-secret-000000000', 'customer-981') });
    expect(forged.status).toBe(401);
    expect(forged.json.error?.code).toBe('WIDGET_INVALID_IDENTITY');
  });

  test('new visitor sessions are rate-limited per IP with Retry-After', async () => {
    let limited: Response | null = null;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await fetch(`${url}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inbox: 'shop' }) });
      if (res.status === 429) limited = res;
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('uploads are typed by content, size-limited, and served only through signed links', async () => {
    const { json } = await newSession(url);
    const socket = await connectVisitor(url, json.token);
    sockets.push(socket);
    const png = await upload(json.token, PNG, 'image/png');
    expect(png.status).toBe(201);
    const { uploadId, url: link } = (await png.json()) as { uploadId: string; url: string };
    const sent = await new Promise<{ ok: boolean; message?: { content: { type: string; url: string } } }>((r) =>
      socket.emit('message:send', { clientId: randomUUID(), content: { type: 'upload', uploadId } }, (x) => r(x as never)),
    );
    expect(sent.ok).toBe(true);
    expect(sent.message!.content.type).toBe('image');
    const served = await fetch(sent.message!.content.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toMatch(/^inline/);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
    expect((await fetch(link.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(404);
    expect((await fetch(`${url}/uploads/${uploadId}`)).status).toBe(404);

    const pdf = await upload(json.token, PDF, 'image/png', 'hoa-don.pdf');
    const pdfMeta = (await pdf.json()) as { url: string; mime: string };
    expect(pdfMeta.mime).toBe('application/pdf');
    const pdfServed = await fetch(pdfMeta.url);
    expect(pdfServed.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''hoa-don.pdf");

    const html = await upload(json.token, Buffer.from('<script>alert(1)</script>'), 'image/png', 'x.png');
    expect(html.status).toBe(400);
    expect(((await html.json()) as { error: { code: string } }).error.code).toBe('GW_ERR_CONTENT_UNSUPPORTED');
    expect(await rawUploadStatus(url, json.token, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]))).toBe(413);
    expect((await upload('not-a-token', PNG, 'image/png')).status).toBe(401);

    const other = await newSession(url);
    const otherSocket = await connectVisitor(url, other.json.token);
    sockets.push(otherSocket);
    const stolen = await new Promise<{ ok: boolean }>((r) => otherSocket.emit('message:send', { clientId: randomUUID(), content: { type: 'upload', uploadId } }, (x) => r(x as never)));
    expect(stolen.ok).toBe(false);
  });

  test('the pre-chat form fills the contact; the offline form leaves a message with contact details', async () => {
    const { json } = await newSession(url);
    const socket = await connectVisitor(url, json.token);
    sockets.push(socket);
    const bad = await new Promise<{ ok: boolean; error?: { message: string } }>((r) => socket.emit('prechat:submit', { name: 'Lan', phone: 'abc' }, (x) => r(x as never)));
    expect(bad).toMatchObject({ ok: false, error: { message: 'invalid phone number' } });
    const ok = await new Promise<{ ok: boolean }>((r) => socket.emit('prechat:submit', { name: 'Nguyễn Thị Lan', phone: '0912 345 678' }, (x) => r(x as never)));
    expect(ok.ok).toBe(true);
    await new Promise((r) => socket.emit('message:send', { clientId: randomUUID(), content: { type: 'text', text: 'Tôi cần hỗ trợ' } }, r));
    const contact = await gw.db.selectFrom('contacts').selectAll().executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ name: 'Nguyễn Thị Lan', phone: '0912 345 678' });

    const offline = await new Promise<{ ok: boolean }>((r) => socket.emit('offline:submit', { email: 'lan@example.vn', message: 'Gọi lại cho tôi sau 5h chiều' }, (x) => r(x as never)));
    expect(offline.ok).toBe(true);
    const last = (await sync(socket, 0)).at(-1)!;
    expect((last.content as { text: string }).text).toBe('Gọi lại cho tôi sau 5h chiều\n(lan@example.vn)');
    expect((await gw.db.selectFrom('contacts').select('email').executeTakeFirstOrThrow()).email).toBe('lan@example.vn');
  });
});

/** The server answers 413 before reading an oversized body; fetch reports the reset, so read the status with http. */
function rawUploadStatus(base: string, token: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/widget/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'content-length': body.length } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(body);
  });
}
