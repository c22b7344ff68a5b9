/**
 * Issue #10, uploads: a file's type is decided by its content, never by its name or the
 * declared Content-Type; what is not an allowed type (HTML, scripts, SVG…) is refused,
 * whoever uploads it (a visitor through the widget, an agent through the API); what is
 * accepted is served only through signed links, as its sniffed type with `nosniff`, a
 * sandboxing CSP, and `Content-Disposition` (inline for images only) under a name that
 * cannot lie about the content nor break the header.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Gateway } from '../../src/server/gateway';
import { createGateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import { sniffContentType } from '../../src/uploads/content-sniffer';
import { sanitizeName } from '../../src/uploads/upload-store';
import { createWidgetChannel } from '../../channels/widget';
import { freshDataDir, testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { TEST_SECRETS } from '../support/test-secrets';
import { connectVisitor, newSession, type VisitorSocket } from '../channels/widget-harness';
import { fuzzOptions, hostileString } from './hostile';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>window.__xss=1</script><img src=x onerror=window.__xss=1></body></html>');
const SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1"><script>window.__xss=1</script></svg>');
const NOT_ALLOWED: [string, Buffer][] = [
  ['html', HTML],
  ['html with a BOM and spaces', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('   '), HTML])],
  ['svg with script', SVG],
  ['bare svg', Buffer.from('<svg onload=window.__xss=1>')],
  ['javascript', Buffer.from('window.__xss=1; fetch("/api/v1/auth/me")')],
  ['xhtml', Buffer.from('<html xmlns="http://www.w3.org/1999/xhtml"><script>window.__xss=1</script></html>')],
  ['text', Buffer.from('just text')],
  ['gzip', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00])],
  ['executable', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03])],
];
const NAMES = ['anh.png', 'logo.svg', 'index.html', 'photo.jpg', 'x'];
const TYPES = ['image/png', 'image/svg+xml', 'text/html', 'image/jpeg'];

const [database] = testDatabases();
/** Control and bidi characters, path separators, quotes: none may reach a stored file name. */
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\\/"]/;

describe('uploads are checked by content and served safely', () => {
  let gw: Gateway;
  let url: string;
  let visitorToken: string;
  let agentToken: string;
  let conversationId: number;
  const sockets: VisitorSocket[] = [];

  beforeAll(async () => {
    const { store } = await database!.open();
    gw = await createGateway({ config: testConfig({ DATA_DIR: await freshDataDir(), OMNIGATE_RATE_LIMITS: 'upload_ip=off,upload_visitor=off,widget_session_ip=off,api_token=off' }), store, channels: [createWidgetChannel()] });
    await createInbox(gw.db, { channel: 'widget', accountId: 'shop', name: 'Shop', botEnabled: false, settings: {} });
    url = await gw.listen();
    const session = await newSession(url);
    visitorToken = session.json.token;
    const socket = await connectVisitor(url, visitorToken);
    sockets.push(socket);
    const sent = await new Promise<{ ok: boolean; message?: { id: number } }>((r) => socket.emit('message:send', { clientId: randomUUID(), content: { type: 'text', text: 'xin chào' } }, (x) => r(x as never)));
    expect(sent.ok).toBe(true);
    conversationId = (await gw.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    await upsertAgent(gw.db, { email: 'up-admin@anphat.vn', name: 'Hà', role: 'admin', password: TEST_SECRETS.passwordSecurity });
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'up-admin@anphat.vn', password: TEST_SECRETS.passwordSecurity }) });
    agentToken = ((await login.json()) as { token: string }).token;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await gw?.close();
  });

  const visitorUpload = (body: Buffer, name: string, type = 'application/octet-stream') =>
    fetch(`${url}/widget/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${visitorToken}`, 'content-type': type, 'x-filename': encodeURIComponent(name) }, body: new Uint8Array(body) });
  const agentUpload = (body: Buffer, name: string, type = 'application/octet-stream') =>
    fetch(`${url}/api/v1/conversations/${conversationId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${agentToken}`, 'content-type': type, 'x-filename': encodeURIComponent(name) }, body: new Uint8Array(body) });
  /** Upload as a visitor and fetch it back through its signed link. */
  const roundTrip = async (body: Buffer, name: string) => {
    const res = await visitorUpload(body, name);
    expect(res.status).toBe(201);
    const meta = (await res.json()) as { url: string; mime: string };
    const served = await fetch(meta.url);
    return { meta, served, bytes: Buffer.from(await served.arrayBuffer()) };
  };

  test.each(NOT_ALLOWED)('%s is refused whatever its name or declared type, from a visitor and from an agent', async (_what, body) => {
    for (const [i, name] of NAMES.entries()) {
      const type = TYPES[i % TYPES.length]!;
      for (const upload of [visitorUpload, agentUpload]) {
        const res = await upload(body, name, type);
        const json = (await res.json()) as { error?: { code: string } };
        expect([name, type, res.status, json.error?.code]).toEqual([name, type, 400, 'GW_ERR_CONTENT_UNSUPPORTED']);
      }
    }
    // Nothing was stored for the agent either: no attachment message.
    const attachments = await gw.db.selectFrom('messages').select('id').where('content_type', 'in', ['image', 'file']).where('sender_type', '=', 'agent').execute();
    expect(attachments).toEqual([]);
  });

  test('an SVG is never served as image/svg+xml: refused as such, and behind a PNG signature it is a PNG', async () => {
    expect(sniffContentType(SVG)).toBeNull();
    const { meta, served, bytes } = await roundTrip(Buffer.concat([PNG, SVG]), 'logo.svg');
    expect(meta.mime).toBe('image/png');
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''logo.svg.png");
    expect(bytes.subarray(0, 8)).toEqual(PNG.subarray(0, 8));
  });

  test('polyglots (image or PDF signature, then HTML) are served as their sniffed type, nosniff, sandboxed; only images inline', async () => {
    const cases: [string, Buffer, string, string, RegExp][] = [
      ['anh.png', Buffer.concat([PNG, HTML]), 'image/png', 'inline', /anh\.png$/],
      ['anh.html', Buffer.concat([PNG, HTML]), 'image/png', 'inline', /anh\.html\.png$/],
      ['dong.gif', Buffer.concat([Buffer.from('GIF89a'), HTML]), 'image/gif', 'inline', /dong\.gif$/],
      ['bao-cao.html', Buffer.concat([Buffer.from('%PDF-1.4\n'), HTML]), 'application/pdf', 'attachment', /bao-cao\.html\.pdf$/],
      ['hop-dong.docx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), HTML]), 'application/zip', 'attachment', /hop-dong\.docx$/],
      ['hoa-don.exe', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), HTML]), 'application/zip', 'attachment', /hoa-don\.exe\.zip$/],
    ];
    for (const [name, body, mime, disposition, filename] of cases) {
      const { meta, served } = await roundTrip(body, name);
      expect([name, meta.mime]).toEqual([name, mime]);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe(mime);
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      expect(served.headers.get('content-security-policy')).toMatch(/sandbox/);
      const cd = served.headers.get('content-disposition')!;
      expect(cd.split(';')[0]).toBe(disposition);
      expect(decodeURIComponent(cd.replace(/^.*filename\*=UTF-8''/, ''))).toMatch(filename);
    }
  });

  test('the download name cannot lie about the content nor break the header', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(20)]);
    const names = ['hoa-don\u202Efdp.exe', '../../etc/passwd', 'a"\r\nSet-Cookie: stolen=1; x=.png', '\u0000\u0007.zip', '.htaccess', `${'đ'.repeat(300)}.zip`, '😀'.repeat(200)];
    for (const name of names) {
      const { meta, served } = await roundTrip(zip, name);
      expect(meta.mime).toBe('application/zip');
      expect(served.headers.get('set-cookie')).toBeNull();
      const cd = served.headers.get('content-disposition')!;
      expect(cd).toMatch(/^attachment; filename\*=UTF-8''[A-Za-z0-9%._~!*'()-]+$/);
      const shown = decodeURIComponent(cd.replace(/^attachment; filename\*=UTF-8''/, ''));
      expect([name, UNSAFE_IN_NAME.test(shown)]).toEqual([name, false]);
      expect([name, shown.startsWith('.')]).toEqual([name, false]);
      expect([name, /\.(zip|docx|xlsx|pptx|odt|ods|odp)$/.test(shown)]).toEqual([name, true]);
      expect([...shown].length).toBeLessThanOrEqual(125);
    }
  });

  test('any name: the stored name is clean, ends as the content, and always makes a valid header', () => {
    const types = [sniffContentType(PNG)!, sniffContentType(Buffer.from('%PDF-1.7'))!, sniffContentType(Buffer.from([0x50, 0x4b, 0x03, 0x04]))!];
    fc.assert(
      fc.property(fc.oneof(hostileString, fc.string({ unit: 'binary', maxLength: 300 })), fc.constantFrom(...types), (name, type) => {
        const clean = sanitizeName(name, type);
        expect(clean.length).toBeGreaterThan(0);
        expect(UNSAFE_IN_NAME.test(clean)).toBe(false);
        expect(clean.startsWith('.')).toBe(false);
        expect(type.extensions.some((e) => clean.toLowerCase().endsWith(`.${e}`))).toBe(true);
        expect(() => encodeURIComponent(clean)).not.toThrow();
      }),
      fuzzOptions(300),
    );
  });

  test('a file is reachable only through its signed, unexpired link', async () => {
    const res = await visitorUpload(PNG, 'anh.png');
    const { uploadId, url: link } = (await res.json()) as { uploadId: string; url: string };
    expect((await fetch(link)).status).toBe(200);
    expect((await fetch(`${url}/uploads/${uploadId}`)).status).toBe(404);
    expect((await fetch(link.replace(/sig=[^&]+/, 'sig=AAAA'))).status).toBe(404);
    expect((await fetch(link.replace(/exp=\d+/, 'exp=99999999999'))).status).toBe(404);
    expect((await fetch(gw.uploads.signedUrl(url, uploadId, -60_000))).status).toBe(404);
    expect((await fetch(`${url}/uploads/..%2f..%2fetc%2fpasswd?exp=99999999999&sig=x`)).status).toBe(404);
  });
});
