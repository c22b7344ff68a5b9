import { h, type JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import * as api from '../../api';
import { errorText, openConversation } from '../../actions';
import { dateTime, relativeTime } from '../../format';
import { t, tryT } from '../../i18n';
import { showToast } from '../../notify';
import { getState } from '../../store';
import type { FaqEntry, Unanswered } from '../../types';
import { Button, Field, Icon, Modal } from '../../ui';
import { fold } from '../conv-list';
import { AdminPage, attempt, DeleteButton, FormError, FormFooter, inputValue, isAdmin, ListBody, remove, useList } from './common';

export interface FaqDraft {
  question: string;
  variants?: string[];
  answer?: string;
}

export function FaqForm(props: { entry: FaqEntry | null; draft?: FaqDraft; onDone: () => void; onClose: () => void }): JSX.Element {
  const e0 = props.entry;
  const [question, setQuestion] = useState(e0?.question ?? props.draft?.question ?? '');
  const [variants, setVariants] = useState((e0?.variants ?? props.draft?.variants ?? []).join('\n'));
  const [answer, setAnswer] = useState(e0?.answer ?? props.draft?.answer ?? '');
  const [lang, setLang] = useState(e0?.lang ?? 'vi');
  const [inboxId, setInboxId] = useState(e0?.inboxId ? String(e0.inboxId) : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inboxes = getState().inboxes ?? [];
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const body = {
      question: question.trim(),
      variants: variants.split('\n').map((v) => v.trim()).filter(Boolean),
      answer: answer.trim(),
      lang,
      inboxId: inboxId ? Number(inboxId) : null,
    };
    const err = await attempt(() => (e0 ? api.patch(`/faq/${encodeURIComponent(String(e0.id))}`, body) : api.post('/faq', body)));
    setBusy(false);
    if (err) return setError(err);
    props.onDone();
  };
  return h(
    Modal,
    { title: e0 ? t('editFaq') : t('newFaq'), wide: true, onClose: props.onClose, testid: 'faq-form', footer: FormFooter({ formId: 'faq-form', busy, onCancel: props.onClose }) },
    h(
      'form',
      { id: 'faq-form', class: 'form-grid', onSubmit: submit },
      h(Field, { label: t('question'), wide: true }, h('input', { value: question, required: true, maxLength: 500, onInput: (e: Event) => setQuestion(inputValue(e)), 'data-testid': 'faq-question' })),
      h(Field, { label: t('variants'), hint: t('variantsHint'), wide: true }, h('textarea', { rows: 4, value: variants, onInput: (e: Event) => setVariants(inputValue(e)), 'data-testid': 'faq-variants' })),
      h(Field, { label: t('answer'), wide: true }, h('textarea', { rows: 5, value: answer, required: true, maxLength: 5000, onInput: (e: Event) => setAnswer(inputValue(e)), 'data-testid': 'faq-answer' })),
      h(Field, { label: t('lang') }, h('select', { value: lang, onChange: (e: Event) => setLang(inputValue(e)) }, h('option', { value: 'vi' }, 'Tiếng Việt'), h('option', { value: 'en' }, 'English'))),
      h(
        Field,
        { label: t('inboxLabel') },
        h('select', { value: inboxId, onChange: (e: Event) => setInboxId(inputValue(e)) }, h('option', { value: '' }, t('allInboxes')), inboxes.map((i) => h('option', { key: i.id, value: String(i.id) }, i.name))),
      ),
      h(FormError, { error }),
    ),
  );
}

function ImportButton(props: { onImported: () => void; onError: (text: string | null) => void }): JSX.Element {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const onFile = async () => {
    const file = input.current?.files?.[0];
    if (!file) return;
    setBusy(true);
    props.onError(null);
    try {
      const text = await file.text();
      const csv = /\.csv$/i.test(file.name) || file.type === 'text/csv';
      const r = await api.post<{ imported: number }>('/faq/import', undefined, { rawBody: text, contentType: csv ? 'text/csv' : 'application/json' });
      showToast('info', t('imported', { n: r?.imported ?? 0 }));
      props.onImported();
    } catch (err) {
      props.onError(t('importFailed', { error: errorText(err) }));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };
  return h(
    'span',
    null,
    h('input', { ref: input, type: 'file', accept: '.json,.csv,application/json,text/csv', class: 'visually-hidden', onChange: () => void onFile(), 'data-testid': 'faq-import-file', tabIndex: -1 }),
    h(Button, { variant: 'secondary', icon: 'upload', disabled: busy, onClick: () => input.current?.click(), testid: 'faq-import' }, busy ? t('importing') : t('importFaq')),
  );
}

export function FaqAdmin(): JSX.Element {
  const list = useList<FaqEntry>('/faq');
  const [editing, setEditing] = useState<FaqEntry | 'new' | null>(null);
  const [q, setQ] = useState('');
  const [importError, setImportError] = useState<string | null>(null);
  const admin = isAdmin();
  const inboxes = getState().inboxes ?? [];
  const done = () => {
    setEditing(null);
    void list.reload();
  };
  const fq = fold(q.trim());
  const shown = list.items.filter((e) => !fq || fold([e.question, ...(e.variants ?? []), e.answer].join(' ')).includes(fq));
  const ready = list.status === 'ready';
  return h(
    AdminPage,
    {
      title: t('navFaq'),
      testid: 'admin-faq',
      actions: [
        ready ? h('a', { key: 'j', class: 'btn btn-ghost', href: `${api.API_BASE}/faq/export?format=json`, download: 'faq.json', 'data-testid': 'faq-export-json' }, h(Icon, { name: 'download' }), h('span', null, t('exportJson'))) : null,
        ready ? h('a', { key: 'c', class: 'btn btn-ghost', href: `${api.API_BASE}/faq/export?format=csv`, download: 'faq.csv', 'data-testid': 'faq-export-csv' }, h(Icon, { name: 'download' }), h('span', null, t('exportCsv'))) : null,
        admin && ready ? h(ImportButton, { key: 'i', onImported: () => void list.reload(), onError: setImportError }) : null,
        admin && ready ? h(Button, { key: 'n', variant: 'primary', icon: 'plus', onClick: () => setEditing('new'), testid: 'faq-new' }, t('newFaq')) : null,
      ],
    },
    importError ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'faq-import-error' }, importError) : null,
    ready
      ? h(
          'div',
          { class: 'toolbar' },
          h('div', { class: 'search search-inline grow' }, h(Icon, { name: 'search' }), h('input', { type: 'search', placeholder: t('filter'), value: q, onInput: (e: Event) => setQ(inputValue(e)), 'data-testid': 'faq-search' })),
          h('span', { class: 'muted' }, t('faqCount', { n: shown.length })),
        )
      : null,
    h(ListBody<FaqEntry>, {
      list,
      endpoint: 'GET /faq',
      empty: t('faqEmpty'),
      children: () =>
        h(
          'div',
          { class: 'faq-list' },
          shown.map((e) =>
            h(
              'div',
              { key: String(e.id), class: 'faq-row', 'data-testid': 'faq-row', 'data-id': String(e.id) },
              h(
                'div',
                { class: 'faq-main' },
                h('div', { class: 'faq-q' }, e.question),
                e.variants?.length ? h('div', { class: 'faq-variants' }, e.variants.slice(0, 4).map((v, i) => h('span', { key: i, class: 'variant-chip' }, v)), e.variants.length > 4 ? h('span', { class: 'muted small' }, t('variantsCount', { n: e.variants.length - 4 })) : null) : null,
                h('div', { class: 'faq-a clamp-2 pre' }, e.answer),
              ),
              h(
                'div',
                { class: 'faq-side' },
                h('span', { class: 'chip chip-muted' }, e.lang.toUpperCase()),
                h('span', { class: 'muted small' }, e.inboxId ? (inboxes.find((i) => i.id === e.inboxId)?.name ?? `#${e.inboxId}`) : t('allInboxes')),
                admin ? h('span', { class: 'row-actions' }, h(Button, { variant: 'ghost', icon: 'edit', small: true, title: t('edit'), onClick: () => setEditing(e), testid: 'faq-edit' }), h(DeleteButton, { name: e.question, onDelete: () => remove(`/faq/${encodeURIComponent(String(e.id))}`, done), testid: 'faq-delete' })) : null,
              ),
            ),
          ),
        ),
    }),
    editing ? h(FaqForm, { entry: editing === 'new' ? null : editing, onDone: done, onClose: () => setEditing(null) }) : null,
  );
}

/** "2 giờ trước", "hôm qua", or a date. */
function agoText(iso: string): string {
  const rel = relativeTime(iso);
  return /\d/.test(rel) && !/[./]/.test(rel) ? t('ago', { t: rel }) : rel;
}

export function UnansweredAdmin(): JSX.Element {
  const list = useList<Unanswered>('/faq/unanswered');
  const [draft, setDraft] = useState<FaqDraft | null>(null);
  const admin = isAdmin();
  return h(
    AdminPage,
    { title: t('unanswered'), hint: t('unansweredHint'), testid: 'admin-unanswered' },
    h(ListBody<Unanswered>, {
      list,
      endpoint: 'GET /faq/unanswered',
      empty: t('unansweredEmpty'),
      children: () =>
        h(
          'table',
          { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, t('question')), h('th', null, t('action')), h('th', null, t('reason')), h('th', null, t('at')), h('th', { class: 'actions' }))),
          h(
            'tbody',
            null,
            list.items.map((u, i) =>
              h(
                'tr',
                { key: i, 'data-testid': 'unanswered-row' },
                h('td', null, h('div', { class: 'strong clamp-2' }, u.question)),
                h('td', null, h('span', { class: 'chip chip-muted', title: u.action }, tryT('act_', u.action))),
                h('td', { class: 'muted', title: u.reason ?? '' }, u.reason ? tryT('rsn_', u.reason) : t('none')),
                h('td', { class: 'muted nowrap', title: dateTime(u.at) }, agoText(u.at)),
                h(
                  'td',
                  { class: 'actions' },
                  u.conversationId ? h(Button, { variant: 'ghost', small: true, onClick: () => openConversation(u.conversationId!, 'all') }, t('viewConversation')) : null,
                  admin ? h(Button, { variant: 'secondary', small: true, icon: 'plus', onClick: () => setDraft({ question: u.question }) }, t('addToFaq')) : null,
                ),
              ),
            ),
          ),
        ),
    }),
    draft
      ? h(FaqForm, {
          entry: null,
          draft,
          onDone: () => {
            setDraft(null);
            showToast('info', t('saved'));
          },
          onClose: () => setDraft(null),
        })
      : null,
  );
}

