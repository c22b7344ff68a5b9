import type { WidgetLang } from '../../channels/widget/protocol';

/**
 * The contract between the loader (widget.js, always on the page) and the panel bundle
 * (widget-panel.js, fetched on first open): types, plus the storage key names both read.
 */

/** What the embed script tag says, resolved once by the loader. */
export interface WidgetConfig {
  /** Server origin + path prefix the script came from, without a trailing slash. */
  base: string;
  inbox: string;
  /** Language asked for by the page (data-lang, else <html lang>); null lets the inbox decide. */
  langHint: WidgetLang | null;
  identifier: string | null;
  identifierHash: string | null;
  position: 'right' | 'left';
}

/** What the panel gives the loader when it registers. */
export interface PanelApi {
  open(): void;
  /** Hide the panel; the loader then moves the focus back to the launcher. */
  close(): void;
}

/** `window.__omnigateWidget`: made by the loader, used by the panel to register itself. */
export interface WidgetHook {
  config: WidgetConfig;
  root: ShadowRoot;
  /** Where the panel puts its DOM (inside the shadow root, before the launcher). */
  mount: HTMLElement;
  launcher: HTMLButtonElement;
  /** Show a count on the launcher badge (0 hides it). */
  setUnread(count: number): void;
  /** Relabel the launcher once the panel knows the final language. */
  setLang(lang: WidgetLang): void;
  /** The panel reports its visibility so the launcher shows the right icon and aria-expanded. */
  setOpen(open: boolean): void;
  /** Close the panel and give the focus back to the launcher (Escape, close button). */
  close(): void;
  register(panel: PanelApi): void;
}

declare global {
  interface Window {
    __omnigateWidget?: WidgetHook;
  }
}

/** localStorage keys, all under STORAGE_PREFIX + inbox (the bare key holds the visitor token). */
export const KEY_SUFFIX = { history: ':history', outbox: ':outbox', state: ':state' } as const;
