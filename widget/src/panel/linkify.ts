/** A piece of message text: plain, or a link that passed `safeHttpUrl`. */
export type TextPart = { text: string } | { text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that usually ends a sentence rather than the URL. */
const TRAILING = '.,;:!?…)]}»"\'';

/** Drop sentence punctuation after a URL, but keep a ")" that closes a "(" inside it (https://vi.wikipedia.org/wiki/A_(b)). */
function trimTrailing(url: string): string {
  let end = url.length;
  while (end > 0 && TRAILING.includes(url[end - 1]!)) {
    if (url[end - 1] === ')') {
      const head = url.slice(0, end);
      if (head.split('(').length >= head.split(')').length) break;
    }
    end--;
  }
  return url.slice(0, end);
}

/** The URL if it parses and is http(s); anything else (javascript:, data:, …) is refused. */
export function safeHttpUrl(raw: string, base?: string): string | null {
  try {
    const url = new URL(raw, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Split text into plain parts and http(s) links. The caller renders parts as text nodes
 * and <a> elements, so the text is never parsed as HTML.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = trimTrailing(match[0]);
    const start = match.index ?? 0;
    const href = safeHttpUrl(raw);
    if (!href) continue;
    if (start > at) parts.push({ text: text.slice(at, start) });
    parts.push({ text: raw, href });
    at = start + raw.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}
