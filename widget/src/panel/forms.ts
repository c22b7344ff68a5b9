import type { WidgetInboxInfo } from '../../../channels/widget/protocol';
import { fill, type PanelStrings } from '../i18n';
import { h } from '../dom';
import { validEmail, validPhone } from './validate';

export type ContactField = 'name' | 'phone' | 'email';
export type ContactValues = Partial<Record<ContactField, string>>;
export type Errors<K extends string> = Partial<Record<K, string>>;
export interface OfflineValues extends ContactValues {
  message: string;
}

/** Pre-chat form checks: required fields present, phone and e-mail well-formed when given. */
export function prechatErrors(values: ContactValues, modes: WidgetInboxInfo['prechat'], t: PanelStrings): Errors<ContactField> {
  const errors: Errors<ContactField> = {};
  for (const field of ['name', 'phone', 'email'] as const) {
    const value = values[field]?.trim() ?? '';
    if (modes[field] === 'off') continue;
    if (!value) {
      if (modes[field] === 'required') errors[field] = fill(t.required, { field: t[field].toLowerCase() });
    } else if (field === 'phone' && !validPhone(value)) errors.phone = t.badPhone;
    else if (field === 'email' && !validEmail(value)) errors.email = t.badEmail;
  }
  return errors;
}

/** Offline form: one contact box (phone or e-mail, told apart by "@") and a message. */
export type OfflineErrorKey = 'needContact' | 'badEmail' | 'badPhone' | 'needMessage';

export function offlineValues(name: string, contact: string, message: string): { values: OfflineValues; errors: Partial<Record<'contact' | 'message', OfflineErrorKey>> } {
  const errors: Partial<Record<'contact' | 'message', OfflineErrorKey>> = {};
  const values: OfflineValues = { message: message.trim() };
  if (name.trim()) values.name = name.trim();
  const c = contact.trim();
  if (!c) errors.contact = 'needContact';
  else if (c.includes('@')) {
    if (validEmail(c)) values.email = c;
    else errors.contact = 'badEmail';
  } else if (validPhone(c)) values.phone = c;
  else errors.contact = 'badPhone';
  if (!values.message) errors.message = 'needMessage';
  return { values, errors };
}

interface Field {
  input: HTMLInputElement | HTMLTextAreaElement;
  error: HTMLElement;
  label: HTMLLabelElement;
}

let fieldSeq = 0;

function field(label: string, input: HTMLInputElement | HTMLTextAreaElement, note?: string): Field {
  const id = `og-f${++fieldSeq}`;
  input.id = id;
  const error = h('span', { class: 'og-error', id: `${id}-err`, hidden: true });
  input.setAttribute('aria-describedby', error.id);
  const el = h('label', { class: 'og-field', for: id }, h('span', { class: 'og-label' }, label, note ? h('small', null, ` ${note}`) : null), input, error);
  return { input, error, label: el };
}

/** Show or clear a field's error; returns whether it had one. */
function mark(f: Field, message: string | undefined): boolean {
  f.error.textContent = message ?? '';
  f.error.hidden = !message;
  f.input.setAttribute('aria-invalid', message ? 'true' : 'false');
  return Boolean(message);
}

function submitButton(text: string): HTMLButtonElement {
  return h('button', { type: 'submit', class: 'og-primary' }, text);
}

/** Runs `send` with the button disabled; shows `failedText` when it returns false. */
async function sending(button: HTMLButtonElement, formError: HTMLElement, failedText: string, send: () => Promise<boolean>): Promise<void> {
  button.disabled = true;
  formError.hidden = true;
  const ok = await send().catch(() => false);
  button.disabled = false;
  if (!ok) {
    formError.textContent = failedText;
    formError.hidden = false;
  }
}

export function prechatForm(modes: WidgetInboxInfo['prechat'], t: PanelStrings, submit: (values: ContactValues) => Promise<boolean>): HTMLFormElement {
  const inputs: Partial<Record<ContactField, Field>> = {};
  const kinds = { name: ['text', 'name'], phone: ['tel', 'tel'], email: ['email', 'email'] } as const;
  for (const name of ['name', 'phone', 'email'] as const) {
    if (modes[name] === 'off') continue;
    const [type, autocomplete] = kinds[name];
    const input = h('input', { type, name, autocomplete, maxlength: name === 'name' ? 120 : 200, 'aria-required': modes[name] === 'required' ? 'true' : null });
    inputs[name] = field(t[name], input, modes[name] === 'optional' ? t.optional : undefined);
  }
  const button = submitButton(t.start);
  const formError = h('p', { class: 'og-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'og-card', 'data-testid': 'og-prechat', novalidate: true }, h('p', null, t.prechatIntro), ...Object.values(inputs).map((f) => f.label), formError, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const values: ContactValues = {};
    for (const [name, f] of Object.entries(inputs) as [ContactField, Field][]) if (f.input.value.trim()) values[name] = f.input.value.trim();
    const errors = prechatErrors(values, modes, t);
    let first: Field | null = null;
    for (const [name, f] of Object.entries(inputs) as [ContactField, Field][]) if (mark(f, errors[name])) first ??= f;
    if (first) return first.input.focus();
    void sending(button, formError, t.submitFailed, () => submit(values));
  });
  return form;
}

export function offlineForm(t: PanelStrings, submit: (values: OfflineValues) => Promise<boolean>): HTMLFormElement {
  const name = field(t.name, h('input', { type: 'text', name: 'name', autocomplete: 'name', maxlength: 120 }), t.optional);
  const contact = field(t.phoneOrEmail, h('input', { type: 'text', name: 'contact', autocomplete: 'email', maxlength: 200, 'aria-required': 'true' }));
  const message = field(t.message, h('textarea', { name: 'message', rows: 3, maxlength: 2000, 'aria-required': 'true' }));
  const button = submitButton(t.submit);
  const formError = h('p', { class: 'og-error', role: 'alert', hidden: true });
  const form = h('form', { class: 'og-card', 'data-testid': 'og-offline', novalidate: true }, h('p', null, t.offlineIntro), name.label, contact.label, message.label, formError, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const { values, errors } = offlineValues(name.input.value, contact.input.value, message.input.value);
    const contactBad = mark(contact, errors.contact && t[errors.contact]);
    const messageBad = mark(message, errors.message && t[errors.message]);
    if (contactBad || messageBad) return (contactBad ? contact : message).input.focus();
    void sending(button, formError, t.submitFailed, () => submit(values));
  });
  return form;
}
