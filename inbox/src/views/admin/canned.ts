import { h, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import * as api from '../../api';
import { loadCanned } from '../../actions';
import { t } from '../../i18n';
import type { Canned } from '../../types';
import { Button, Field, Icon, Modal } from '../../ui';
import { fold } from '../conv-list';
import { AdminPage, attempt, DeleteButton, FormError, FormFooter, inputValue, isAdmin, ListBody, remove, useList } from './common';

function CannedForm(props: { item: Canned | null; onDone: () => void; onClose: () => void }): JSX.Element {
  const [shortCode, setShortCode] = useState(props.item?.shortCode ?? '');
  const [content, setContent] = useState(props.item?.content ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const body = { shortCode: shortCode.trim().replace(/^\//, ''), content: content.trim() };
    const err = await attempt(() => (props.item ? api.patch(`/canned-responses/${props.item.id}`, body) : api.post('/canned-responses', body)));
    setBusy(false);
    if (err) return setError(err);
    props.onDone();
  };
  return h(
    Modal,
    { title: props.item ? t('editCanned') : t('newCanned'), onClose: props.onClose, footer: FormFooter({ formId: 'canned-form', busy, onCancel: props.onClose }) },
    h(
      'form',
      { id: 'canned-form', class: 'form-grid', onSubmit: submit },
      h(
        Field,
        { label: t('shortCode'), hint: t('shortCodeHint', { code: shortCode || 'chao' }), wide: true },
        h('input', { value: shortCode, required: true, maxLength: 40, pattern: '[^\\s]+', onInput: (e: Event) => setShortCode(inputValue(e)), 'data-testid': 'canned-code' }),
      ),
      h(Field, { label: t('content'), wide: true }, h('textarea', { rows: 5, value: content, required: true, maxLength: 5000, onInput: (e: Event) => setContent(inputValue(e)), 'data-testid': 'canned-content' })),
      h(FormError, { error }),
    ),
  );
}

export function CannedAdmin(): JSX.Element {
  const list = useList<Canned>('/canned-responses');
  const [editing, setEditing] = useState<Canned | 'new' | null>(null);
  const [q, setQ] = useState('');
  const admin = isAdmin();
  const done = () => {
    setEditing(null);
    void list.reload();
    void loadCanned();
  };
  const shown = list.items.filter((c) => !q || fold(`${c.shortCode} ${c.content}`).includes(fold(q)));
  return h(
    AdminPage,
    {
      title: t('navCanned'),
      testid: 'admin-canned',
      actions: [
        h('div', { key: 'f', class: 'search search-inline' }, h(Icon, { name: 'search' }), h('input', { type: 'search', placeholder: t('filter'), value: q, onInput: (e: Event) => setQ(inputValue(e)) })),
        admin && list.status === 'ready' ? h(Button, { key: 'n', variant: 'primary', icon: 'plus', onClick: () => setEditing('new') }, t('newCanned')) : null,
      ],
    },
    h(ListBody<Canned>, {
      list,
      endpoint: 'GET /canned-responses',
      empty: t('listEmpty'),
      children: () =>
        h(
          'table',
          { class: 'table' },
          h('thead', null, h('tr', null, h('th', { class: 'w-code' }, t('shortCode')), h('th', null, t('content')), admin ? h('th', { class: 'actions' }) : null)),
          h(
            'tbody',
            null,
            shown.map((c) =>
              h(
                'tr',
                { key: c.id, 'data-testid': 'canned-row' },
                h('td', null, h('code', { class: 'code-chip' }, `/${c.shortCode}`)),
                h('td', null, h('div', { class: 'clamp-2 pre' }, c.content)),
                admin
                  ? h('td', { class: 'actions' }, h(Button, { variant: 'ghost', icon: 'edit', small: true, title: t('edit'), onClick: () => setEditing(c) }), h(DeleteButton, { name: `/${c.shortCode}`, onDelete: () => remove(`/canned-responses/${c.id}`, done) }))
                  : null,
              ),
            ),
          ),
        ),
    }),
    editing ? h(CannedForm, { item: editing === 'new' ? null : editing, onDone: done, onClose: () => setEditing(null) }) : null,
  );
}
