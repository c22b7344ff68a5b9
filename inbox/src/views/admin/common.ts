import { h, type ComponentChildren, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../../api';
import { ApiError } from '../../api';
import { errorText } from '../../actions';
import { t } from '../../i18n';
import { getState, type LoadStatus } from '../../store';
import type { Items } from '../../types';
import { showToast } from '../../notify';
import { Button, Empty, ErrorNote, Spinner } from '../../ui';

export interface ListState<T> {
  status: LoadStatus;
  items: T[];
  error: string | null;
  reload: () => Promise<void>;
}

/** GET a `{items}` endpoint; `missing` when this server does not have the route (404). */
export function useList<T>(path: string): ListState<T> {
  const [state, setState] = useState<{ status: LoadStatus; items: T[]; error: string | null }>({ status: 'loading', items: [], error: null });
  const alive = useRef(true);
  const reload = async () => {
    try {
      const r = await api.get<Items<T>>(path);
      if (alive.current) setState({ status: 'ready', items: r.items, error: null });
    } catch (err) {
      if (!alive.current) return;
      const missing = err instanceof ApiError && err.status === 404;
      setState({ status: missing ? 'missing' : 'error', items: [], error: errorText(err) });
    }
  };
  useEffect(() => {
    alive.current = true;
    void reload();
    return () => void (alive.current = false);
  }, [path]);
  return { ...state, reload };
}

export function isAdmin(): boolean {
  return getState().me?.role === 'admin';
}

/** Loading / missing endpoint / error states of a list, or its content. */
export function ListBody<T>(props: { list: ListState<T>; endpoint: string; empty: string; children: () => ComponentChildren }): JSX.Element {
  const { list } = props;
  if (list.status === 'loading') return h('div', { class: 'list-loading' }, h(Spinner, null));
  if (list.status === 'missing') return h(Empty, { icon: 'alert', title: t('featureMissing', { path: props.endpoint }) });
  if (list.status === 'error') return h(ErrorNote, { text: list.error ?? t('genericError'), onRetry: () => void list.reload() });
  if (list.items.length === 0) return h(Empty, { icon: 'inbox', title: props.empty });
  return h('div', null, props.children());
}

export function AdminPage(props: { title: string; hint?: string; actions?: ComponentChildren; children?: ComponentChildren; testid?: string }): JSX.Element {
  return h(
    'div',
    { class: 'admin-page', 'data-testid': props.testid },
    h('div', { class: 'admin-head' }, h('div', null, h('h1', null, props.title), props.hint ? h('p', { class: 'muted' }, props.hint) : null), h('div', { class: 'admin-actions' }, props.actions)),
    !isAdmin() ? h('div', { class: 'readonly-note' }, t('readOnly')) : null,
    props.children,
  );
}

/** A delete button that asks for a second click (no blocking browser dialogs). */
export function DeleteButton(props: { name: string; onDelete: () => Promise<void> | void; testid?: string }): JSX.Element {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = window.setTimeout(() => setArmed(false), 4000);
    return () => window.clearTimeout(timer);
  }, [armed]);
  if (!armed) return h(Button, { variant: 'ghost', icon: 'trash', small: true, title: t('delete'), onClick: () => setArmed(true), testid: props.testid });
  return h(Button, { variant: 'danger', icon: 'trash', small: true, title: t('confirmDelete', { name: props.name }), onClick: () => void props.onDelete(), testid: props.testid ? `${props.testid}-confirm` : undefined }, t('delete'));
}

/** Run a mutating request; returns the error text (shown in the form) or null. */
export async function attempt(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (err) {
    return errorText(err);
  }
}

export function FormError(props: { error: string | null }): JSX.Element | null {
  return props.error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'form-error' }, props.error) : null;
}

export function FormFooter(props: { formId: string; busy: boolean; onCancel: () => void; submitLabel?: string }): JSX.Element[] {
  return [
    h('span', { key: 'sp', class: 'spacer' }),
    h(Button, { key: 'c', variant: 'ghost', onClick: props.onCancel }, t('cancel')),
    h('button', { key: 's', type: 'submit', form: props.formId, class: 'btn btn-primary', disabled: props.busy, 'data-testid': 'form-submit' }, props.busy ? t('saving') : (props.submitLabel ?? t('save'))),
  ];
}

export const inputValue = (e: Event): string => (e.target as HTMLInputElement).value;

/** DELETE, then `done`; a failure shows as a toast. */
export async function remove(path: string, done: () => void): Promise<void> {
  const err = await attempt(() => api.del(path));
  if (err) showToast('error', err);
  done();
}
