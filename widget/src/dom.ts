/**
 * A tiny DOM builder shared by the loader and the panel. Attributes go through
 * setAttribute and children strings become text nodes: nothing here ever parses HTML,
 * so text from the network cannot turn into markup.
 */
export type Child = Node | string | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** `true` sets an empty attribute, `false`/null/undefined removes it. */
export function setAttrs(el: Element, attrs: Attrs): void {
  for (const name of Object.keys(attrs)) {
    const value = attrs[name];
    if (value === false || value === null || value === undefined) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(el: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/**
 * Add CSS to a shadow root: a constructed stylesheet where supported (not subject to a
 * page's CSP style-src, which would block an inline <style>), else a <style> element.
 */
export function addStyles(root: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    root.appendChild(h('style', null, css));
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An inline 24×24 icon from fixed path data (our own constants, never network text). */
export function icon(paths: readonly string[], size = 24): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  setAttrs(svg, { viewBox: '0 0 24 24', width: size, height: size, 'aria-hidden': 'true', focusable: 'false', fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round' });
  for (const d of paths) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
  }
  return svg;
}

/** Icon path data (Feather-style strokes). */
export const ICONS = {
  chat: ['M21 11.5a8.4 8.4 0 0 1-9 8.4 8.9 8.9 0 0 1-3.8-.9L3 20.5l1.5-4.6A8.1 8.1 0 0 1 3 11.5 8.5 8.5 0 0 1 12 3a8.4 8.4 0 0 1 9 8.5z'],
  close: ['M18 6 6 18', 'M6 6l12 12'],
  chevronDown: ['M6 9l6 6 6-6'],
  send: ['M22 2 11 13', 'M22 2l-7 20-4-9-9-4 20-7z'],
  clip: ['M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5'],
  file: ['M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z', 'M14 2v6h6'],
} as const;
