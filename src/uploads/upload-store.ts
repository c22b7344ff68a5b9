import { storableText, type MessageContent } from '../core/message';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeDirectoryDurably, writeFileDurably } from '../core/durable-file';
import { GatewayError } from '../core/errors';
import { sniffContentType, type SniffedType } from './content-sniffer';

export interface StoredUpload {
  id: string;
  mime: string;
  name: string;
  size: number;
  inline: boolean;
  /** Who may reference it in a message: e.g. `widget:demo:visitor-id` or `agent:3`. */
  owner: string;
  createdAt: string;
}

/** Internal reference stored in message content; turned into a signed link when shown. */
export const UPLOAD_SCHEME = 'upload://';

/**
 * Attachments on disk under `<dir>/<id>` with a JSON side file. Files are served only
 * through links signed with a shared secret and an expiry, handed to the conversation's
 * visitor and to agents — an id alone gives nothing.
 */
export class UploadStore {
  constructor(
    private readonly dir: string,
    private readonly secret: Buffer,
    readonly maxBytes: number,
  ) {}

  async save(data: Buffer, name: string, owner: string): Promise<StoredUpload> {
    if (data.length === 0) throw new GatewayError('GW_ERR_VALIDATION', 'empty upload');
    if (data.length > this.maxBytes) throw new GatewayError('GW_ERR_CONTENT_TOO_LARGE', `upload exceeds ${this.maxBytes} bytes`);
    const type = sniffContentType(data);
    if (!type) throw new GatewayError('GW_ERR_CONTENT_UNSUPPORTED', 'file type not allowed (images, PDF and Office documents only)');
    const id = randomUUID();
    const safeName = sanitizeName(name, type);
    const meta: StoredUpload = { id, mime: type.mime, name: safeName, size: data.length, inline: type.inline, owner, createdAt: new Date().toISOString() };
    makeDirectoryDurably(this.dir);
    // On disk for good before the caller stores a message that points at it.
    await writeFileDurably(path.join(this.dir, id), data);
    await writeFileDurably(path.join(this.dir, `${id}.json`), JSON.stringify(meta));
    return meta;
  }

  async get(id: string): Promise<{ meta: StoredUpload; file: string } | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    try {
      const meta = JSON.parse(await fs.readFile(path.join(this.dir, `${id}.json`), 'utf8')) as StoredUpload;
      return { meta, file: path.join(this.dir, id) };
    } catch {
      return null;
    }
  }

  /** A link valid for `ttlMs` to `/uploads/<id>` on `baseUrl`. */
  signedUrl(baseUrl: string, id: string, ttlMs = 24 * 3_600_000, now = Date.now()): string {
    const exp = Math.floor((now + ttlMs) / 1000);
    return `${baseUrl}/uploads/${id}?exp=${exp}&sig=${this.sign(id, exp)}`;
  }

  verifyLink(id: string, exp: string | undefined, sig: string | undefined, now = Date.now()): boolean {
    if (!exp || !sig || !/^\d+$/.test(exp) || Number(exp) * 1000 < now) return false;
    const expected = Buffer.from(this.sign(id, Number(exp)));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(id: string, exp: number): string {
    return createHmac('sha256', this.secret).update(`${id}.${exp}`).digest('base64url');
  }
}

/** Control characters, and the invisible ones that reorder or hide text (`invoice\u202Efdp.exe` shows as "invoiceexe.pdf"). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * The name a file is stored and downloaded under: no path separators, quotes, control or
 * bidi characters, no leading dots, at most 120 characters — and an ending that matches
 * the content (a PDF named `report.html` downloads as `report.html.pdf`).
 */
export function sanitizeName(name: string, type: Pick<SniffedType, 'extension' | 'extensions'>): string {
  // Cut by code points, never inside a surrogate pair (a lone half would break the download header).
  const cut = (s: string, n: number) => [...s].slice(0, n).join('');
  let base = cut(storableText(name.normalize('NFC')).replace(INVISIBLE, '').replace(/[\\/"]/g, '_').trim().replace(/^\.+/, ''), 120).trim();
  if (!base) return `file.${type.extension}`;
  const ending = /\.([A-Za-z0-9]{1,8})$/.exec(base)?.[1]?.toLowerCase();
  if (!ending || !type.extensions.includes(ending)) base = `${cut(base, 110)}.${type.extension}`;
  return base;
}

export function uploadIdOf(url: string): string | null {
  return url.startsWith(UPLOAD_SCHEME) ? url.slice(UPLOAD_SCHEME.length) : null;
}

/** The same content with a stored upload's reference replaced by a link the platform can fetch. */
export function withUploadLinks(content: MessageContent, link: (uploadId: string) => string): MessageContent {
  const url = 'url' in content ? content.url : undefined;
  const id = typeof url === 'string' ? uploadIdOf(url) : null;
  return id ? ({ ...content, url: link(id) } as MessageContent) : content;
}
