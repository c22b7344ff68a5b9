import { MAX_WIDGET_TEXT, type WidgetInboxInfo, type WidgetLang, type WidgetQuickReply } from '../../../channels/widget/protocol';
import type { PanelStrings } from '../i18n';
import { ICONS, h, icon } from '../dom';
import { itemKey, itemSignature, renderItem, richText, type ListItem } from './bubbles';
import { offlineForm, prechatForm, type ContactValues, type OfflineValues } from './forms';

/** What the visitor does in the panel, handled by the chat controller. */
export interface ViewHandlers {
  send(text: string): void;
  quickReply(reply: WidgetQuickReply): void;
  retry(clientId: string): void;
  file(file: File): void;
  typing(): void;
  close(): void;
  prechat(values: ContactValues): Promise<boolean>;
  offline(values: OfflineValues): Promise<boolean>;
}

/** Everything the panel shows, recomputed by the controller after each change. */
export interface ViewModel {
  subtitle: string | null;
  status: string | null;
  greeting: string | null;
  items: ListItem[];
  quickReplies: WidgetQuickReply[] | null;
  typing: string | null;
  /** Set while the pre-chat form must be filled: the composer is hidden meanwhile. */
  prechat: WidgetInboxInfo['prechat'] | null;
  offline: 'none' | 'form' | 'thanks';
  notice: string | null;
}

const ACCEPT = 'image/*,.pdf,.doc,.docx,.xls,.xlsx,application/pdf,application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * The chat panel's DOM. Rows of the message list are keyed and rebuilt only when what
 * they show changed, so images don't reload and screen readers (role=log) hear only
 * what is new.
 */
export class PanelView {
  readonly el: HTMLElement;
  private readonly subtitle = h('div', { class: 'og-subtitle' });
  private readonly status = h('div', { class: 'og-status', 'data-testid': 'og-status', role: 'status', hidden: true });
  private readonly body = h('div', { class: 'og-body' });
  private readonly greeting = h('div', { class: 'og-row og-out og-greeting', hidden: true });
  private readonly list: HTMLElement;
  private readonly quick = h('div', { class: 'og-quick', hidden: true });
  private readonly typing = h('div', { class: 'og-typing', 'data-testid': 'og-typing', hidden: true });
  private readonly notice = h('p', { class: 'og-notice', role: 'alert', hidden: true });
  private readonly extra = h('div', null);
  private readonly composer: HTMLFormElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private rows = new Map<string, { el: HTMLElement; signature: string }>();
  private prechatEl: HTMLFormElement | null = null;
  private offlineEl: HTMLElement | null = null;
  private offlineMode: ViewModel['offline'] = 'none';
  private quickSignature = '';

  constructor(
    private readonly t: PanelStrings,
    private readonly lang: WidgetLang,
    private readonly base: string,
    private readonly handlers: ViewHandlers,
  ) {
    const closeButton = h('button', { type: 'button', class: 'og-icon-btn', 'aria-label': t.close, title: t.close }, icon(ICONS.close, 22));
    closeButton.addEventListener('click', () => handlers.close());
    const header = h(
      'div',
      { class: 'og-header' },
      h('div', { class: 'og-avatar', 'aria-hidden': 'true' }, icon(ICONS.chat, 20)),
      h('div', { class: 'og-heading' }, h('h2', { class: 'og-title' }, t.title), this.subtitle),
      closeButton,
    );
    this.list = h('div', { class: 'og-messages', 'data-testid': 'og-messages', role: 'log', 'aria-live': 'polite', 'aria-label': t.messages });
    this.body.append(this.greeting, this.list, this.quick, this.typing, this.extra, this.notice);
    this.typing.append(h('span', { class: 'og-dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), h('span', null));

    this.input = h('textarea', { class: 'og-input', 'data-testid': 'og-input', rows: 1, maxlength: MAX_WIDGET_TEXT, placeholder: t.placeholder, 'aria-label': t.inputLabel, enterkeyhint: 'send' });
    this.sendButton = h('button', { type: 'submit', class: 'og-icon-btn og-send', 'data-testid': 'og-send', 'aria-label': t.send, title: t.send, disabled: true }, icon(ICONS.send, 18));
    const fileInput = h('input', { type: 'file', class: 'og-file-input', accept: ACCEPT, tabindex: -1, 'aria-hidden': 'true' });
    const attach = h('button', { type: 'button', class: 'og-icon-btn og-attach', 'data-testid': 'og-attach', 'aria-label': t.attach, title: t.attach }, icon(ICONS.clip, 20));
    attach.addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
      const file = fileInput.files?.[0];
      fileInput.value = '';
      if (file) handlers.file(file);
    });
    this.composer = h('form', { class: 'og-composer' }, attach, fileInput, this.input, this.sendButton);
    this.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submitText();
    });
    this.input.addEventListener('keydown', (event) => {
      // Enter sends, Shift+Enter breaks the line; never while an IME (e.g. Vietnamese Telex) composes.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.submitText();
      }
    });
    this.input.addEventListener('input', () => {
      this.fitInput();
      if (this.input.value.trim()) handlers.typing();
    });

    this.el = h('div', { class: 'og-panel', 'data-testid': 'og-panel', role: 'dialog', 'aria-label': t.title, lang, hidden: true }, header, this.status, this.body, this.composer);
  }

  show(): void {
    this.el.hidden = false;
    this.scrollToEnd();
  }

  hide(): void {
    this.el.hidden = true;
  }

  get visible(): boolean {
    return !this.el.hidden;
  }

  focus(): void {
    const target = this.prechatEl?.querySelector('input') ?? this.input;
    target.focus();
  }

  draft(): string {
    return this.input.value;
  }

  setDraft(text: string): void {
    this.input.value = text;
    this.fitInput();
  }

  update(model: ViewModel, forceScroll = false): void {
    const stick = forceScroll || this.body.scrollHeight - this.body.scrollTop - this.body.clientHeight < 80;
    this.subtitle.textContent = model.subtitle ?? '';
    this.status.textContent = model.status ?? '';
    this.status.hidden = !model.status;
    this.greeting.hidden = !model.greeting;
    if (model.greeting && this.greeting.textContent !== model.greeting) this.greeting.replaceChildren(h('div', { class: 'og-bubble' }, ...richText(model.greeting)));
    this.renderRows(model.items);
    this.renderQuickReplies(model.quickReplies);
    this.typing.hidden = !model.typing;
    this.typing.lastElementChild!.textContent = model.typing ?? '';
    this.renderPrechat(model.prechat);
    this.renderOffline(model.offline);
    this.notice.textContent = model.notice ?? '';
    this.notice.hidden = !model.notice;
    if (stick) this.scrollToEnd();
  }

  private renderRows(items: ListItem[]): void {
    const ctx = { t: this.t, lang: this.lang, base: this.base, onRetry: (id: string) => this.handlers.retry(id) };
    const next = new Map<string, { el: HTMLElement; signature: string }>();
    let cursor = this.list.firstElementChild;
    for (const item of items) {
      const key = itemKey(item);
      const signature = itemSignature(item, this.lang);
      let row = this.rows.get(key);
      if (!row || row.signature !== signature) {
        const el = renderItem(item, ctx);
        if (row) {
          if (row.el === cursor) cursor = el;
          row.el.replaceWith(el);
        }
        row = { el, signature };
      }
      next.set(key, row);
      if (row.el !== cursor) this.list.insertBefore(row.el, cursor);
      else cursor = cursor.nextElementSibling;
    }
    for (const [key, row] of this.rows) if (!next.has(key)) row.el.remove();
    this.rows = next;
  }

  private renderQuickReplies(replies: WidgetQuickReply[] | null): void {
    const signature = JSON.stringify(replies ?? []);
    if (signature === this.quickSignature) return;
    this.quickSignature = signature;
    this.quick.replaceChildren(
      ...(replies ?? []).map((reply) => {
        const button = h('button', { type: 'button', 'data-testid': 'og-quick-reply' }, reply.title);
        button.addEventListener('click', () => this.handlers.quickReply(reply));
        return button;
      }),
    );
    this.quick.hidden = !replies?.length;
  }

  private renderPrechat(modes: ViewModel['prechat']): void {
    if (modes && !this.prechatEl) {
      this.prechatEl = prechatForm(modes, this.t, (values) => this.handlers.prechat(values));
      this.extra.prepend(this.prechatEl);
    } else if (!modes && this.prechatEl) {
      this.prechatEl.remove();
      this.prechatEl = null;
      this.composer.hidden = false;
      if (this.visible) this.input.focus();
    }
    this.composer.hidden = Boolean(modes);
  }

  private renderOffline(mode: ViewModel['offline']): void {
    if (mode === this.offlineMode) return;
    this.offlineMode = mode;
    this.offlineEl?.remove();
    this.offlineEl =
      mode === 'form' ? offlineForm(this.t, (values) => this.handlers.offline(values))
      : mode === 'thanks' ? h('p', { class: 'og-thanks', role: 'status', 'data-testid': 'og-offline-thanks' }, this.t.offlineThanks)
      : null;
    if (this.offlineEl) this.extra.appendChild(this.offlineEl);
  }

  private submitText(): void {
    const text = this.input.value.trim();
    if (!text) return;
    this.handlers.send(text);
    this.input.value = '';
    this.fitInput();
    this.input.focus();
  }

  /** Grow the input with its text up to 5 lines; keep the send button's state in step. */
  private fitInput(): void {
    this.input.style.height = '40px';
    this.input.style.height = `${Math.min(120, Math.max(40, this.input.scrollHeight + 2))}px`;
    this.sendButton.disabled = !this.input.value.trim();
  }

  private scrollToEnd(): void {
    this.body.scrollTop = this.body.scrollHeight;
  }
}
