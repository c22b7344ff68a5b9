/**
 * Decide a file's type from its first bytes, never from its name or the declared
 * Content-Type (both are the uploader's word). Only these types are accepted.
 */
export interface SniffedType {
  mime: string;
  extension: string;
  /**
   * File name endings that fit this content. A name ending otherwise (e.g. `report.html`
   * on a PDF, which the agent's computer would open as a web page once downloaded) gets
   * `extension` appended: the name never contradicts the content.
   */
  extensions: readonly string[];
  /** Safe to show inline in a browser (images); everything else downloads. */
  inline: boolean;
}

const SIGNATURES: { bytes: number[]; offset?: number; type: SniffedType; also?: { bytes: number[]; offset: number } }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: { mime: 'image/png', extension: 'png', extensions: ['png'], inline: true } },
  { bytes: [0xff, 0xd8, 0xff], type: { mime: 'image/jpeg', extension: 'jpg', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'], inline: true } },
  { bytes: [0x47, 0x49, 0x46, 0x38], type: { mime: 'image/gif', extension: 'gif', extensions: ['gif'], inline: true } },
  { bytes: [0x52, 0x49, 0x46, 0x46], also: { bytes: [0x57, 0x45, 0x42, 0x50], offset: 8 }, type: { mime: 'image/webp', extension: 'webp', extensions: ['webp'], inline: true } },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], type: { mime: 'application/pdf', extension: 'pdf', extensions: ['pdf'], inline: false } },
  // OOXML/ODF (docx/xlsx/odt…) are zip files; served as a download only.
  { bytes: [0x50, 0x4b, 0x03, 0x04], type: { mime: 'application/zip', extension: 'zip', extensions: ['zip', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp'], inline: false } },
  // Legacy MS Office (doc/xls): OLE compound file.
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], type: { mime: 'application/x-ole-storage', extension: 'bin', extensions: ['doc', 'xls', 'ppt', 'msg', 'bin'], inline: false } },
];

export function sniffContentType(data: Buffer): SniffedType | null {
  for (const sig of SIGNATURES) {
    const offset = sig.offset ?? 0;
    if (!matches(data, sig.bytes, offset)) continue;
    if (sig.also && !matches(data, sig.also.bytes, sig.also.offset)) continue;
    return sig.type;
  }
  return null;
}

function matches(data: Buffer, bytes: number[], offset: number): boolean {
  if (data.length < offset + bytes.length) return false;
  return bytes.every((b, i) => data[offset + i] === b);
}
