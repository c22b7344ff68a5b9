/**
 * widget.js — the embed script. It only draws the launcher (with its unread badge) in a
 * shadow root and fetches the chat panel (widget-panel.js) the first time the visitor
 * opens it; socket.io and the panel UI stay out of every page view that never chats.
 *
 *   <script src="https://HOST/widget.js" data-inbox="INBOX" async></script>
 *   optional: data-lang="vi|en", data-position="right|left",
 *             data-identifier + data-identifier-hash (verified logged-in user)
 */
import { STORAGE_PREFIX, type WidgetLang } from '../../channels/widget/protocol';
import { KEY_SUFFIX, type PanelApi, type WidgetConfig, type WidgetHook } from './hook';
import { LAUNCHER_TEXT } from './i18n';
import { ICONS, addStyles, h, icon } from './dom';
import { LOADER_CSS } from './loader-styles';

/** Content hash of widget-panel.js, set by scripts/build-widget.js so caches never serve a stale panel. */
declare const __OG_PANEL_VERSION__: string;

const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-inbox]');

function readConfig(tag: HTMLScriptElement): WidgetConfig | null {
  const inbox = tag.getAttribute('data-inbox');
  if (!inbox) return null;
  const src = new URL(tag.src, location.href);
  const pageLang = (document.documentElement.getAttribute('lang') ?? '').toLowerCase();
  const asLang = (value: string | null | undefined): WidgetLang | null => (value?.startsWith('en') ? 'en' : value?.startsWith('vi') ? 'vi' : null);
  return {
    // Everything up to the script's own file name: https://host/prefix/widget.js → https://host/prefix
    base: src.origin + src.pathname.slice(0, src.pathname.lastIndexOf('/')),
    inbox,
    langHint: asLang(tag.getAttribute('data-lang')) ?? asLang(pageLang),
    identifier: tag.getAttribute('data-identifier'),
    identifierHash: tag.getAttribute('data-identifier-hash'),
    position: tag.getAttribute('data-position') === 'left' ? 'left' : 'right',
  };
}

/** Storage may be missing or throw (privacy modes, sandboxed frames): the widget then just forgets. */
function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function start(tag: HTMLScriptElement, config: WidgetConfig): void {
  if (document.getElementById('omnigate-widget')) return; // embedded twice: keep the first
  const key = STORAGE_PREFIX + config.inbox;
  let lang: WidgetLang = config.langHint ?? 'vi';
  let unread = 0;
  let open = false;
  let panel: PanelApi | null = null;
  let loading = false;
  let openWhenReady = false;

  const host = h('div', { id: 'omnigate-widget' });
  const root = host.attachShadow({ mode: 'open' });
  const mount = h('div', { class: 'og-mount' });
  const badge = h('span', { class: 'og-badge', 'data-testid': 'og-badge', 'aria-hidden': 'true', hidden: true });
  const launcher = h('button', { type: 'button', class: 'og-launcher', 'data-testid': 'og-launcher', 'aria-expanded': 'false', 'aria-haspopup': 'dialog' });
  const wrapper = h('div', { class: `og-root og-${config.position}`, lang }, mount, launcher);
  addStyles(root, LOADER_CSS);
  root.appendChild(wrapper);

  const draw = () => {
    const text = LAUNCHER_TEXT[lang];
    launcher.replaceChildren(icon(open ? ICONS.chevronDown : ICONS.chat, open ? 30 : 28), badge);
    badge.textContent = unread > 99 ? '99+' : String(unread);
    badge.hidden = unread === 0 || open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', (open ? text.close : text.open) + (unread && !open ? ` (${unread} ${text.unread})` : ''));
    wrapper.classList.toggle('og-open', open);
    wrapper.setAttribute('lang', lang);
  };

  const loadPanel = () => {
    if (loading || panel) return;
    loading = true;
    const version = typeof __OG_PANEL_VERSION__ === 'string' ? __OG_PANEL_VERSION__ : '';
    const tagEl = h('script', { src: `${config.base}/widget-panel.js${version ? `?v=${version}` : ''}`, async: true });
    if (tag.nonce) tagEl.nonce = tag.nonce; // pages with a nonce-based CSP
    tagEl.onerror = () => {
      loading = false;
      openWhenReady = false;
      launcher.removeAttribute('aria-busy');
      tagEl.remove();
    };
    document.head.appendChild(tagEl);
  };

  const hook: WidgetHook = {
    config,
    root,
    mount,
    launcher,
    setUnread(count) {
      unread = Math.max(0, count | 0);
      draw();
    },
    setLang(next) {
      lang = next;
      draw();
    },
    setOpen(next) {
      open = next;
      draw();
    },
    close() {
      panel?.close();
      hook.setOpen(false);
      launcher.focus();
    },
    register(api) {
      panel = api;
      loading = false;
      launcher.removeAttribute('aria-busy');
      if (openWhenReady) api.open();
    },
  };
  window.__omnigateWidget = hook;

  launcher.addEventListener('click', () => {
    if (open) return hook.close();
    if (panel) return panel.open();
    openWhenReady = true;
    launcher.setAttribute('aria-busy', 'true');
    loadPanel();
  });

  try {
    unread = Number((JSON.parse(stored(key + KEY_SUFFIX.state) ?? '{}') as { unread?: number }).unread) || 0;
  } catch {
    unread = 0;
  }
  draw();
  document.body.appendChild(host);

  // A returning visitor with a conversation gets the panel in the background (when the
  // page is idle), so replies that arrive meanwhile raise the badge.
  if (stored(key) && stored(key + KEY_SUFFIX.history)) {
    const later = () => setTimeout(loadPanel, 1500);
    if (document.readyState === 'complete') later();
    else window.addEventListener('load', later, { once: true });
  }
}

const config = script ? readConfig(script) : null;
if (script && config) {
  const tag = script;
  if (document.body) start(tag, config);
  else document.addEventListener('DOMContentLoaded', () => start(tag, config), { once: true });
} else {
  console.warn('[omnigate] widget.js needs a data-inbox attribute on its <script> tag');
}
