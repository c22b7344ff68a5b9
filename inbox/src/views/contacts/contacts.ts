/**
 * The contacts screen (`#/contacts`): search (name with or without diacritics, phone in any
 * format, e-mail), label and channel filters, the list, the merge suggestions, CSV import
 * (with the rejected rows) and export for supervisors. `#/contacts/:id` is the contact page
 * (contact-page.ts). Everything from the contacts API (docs/contacts-campaigns-api.md).
 */
import { h, type JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, navigate } from '../../actions';
import { channelLabel, relativeTime, dateTime } from '../../format';
import { t } from '../../i18n';
import { showToast } from '../../notify';
import { getState } from '../../store';
import { Button, Empty, ErrorNote, Field, Icon, Spinner } from '../../ui';
import { Card, ChannelBadges, contactLabel, ContactCell, LabelChips, useDebounced, useLoad, verifiedTick } from './common';
import { ContactPage } from './contact-page';
import { CHANNEL_IDS, contactsApi, isSupervisor, type Contact, type ImportReport, type PairSuggestion } from './model';
import { tc } from './strings';

const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

function reasonChips(reasons: string[]): JSX.Element {
  return h(
    'span',
    { class: 'cc-reasons' },
    reasons.map((r) => h('span', { key: r, class: 'chip chip-open', 'data-testid': 'merge-reason' }, h(Icon, { name: r === 'phone' ? 'phone' : 'mail', size: 12 }), r === 'phone' ? tc('reasonPhone') : tc('reasonEmail'))),
  );
}

function Suggestions(props: { onMerged: () => void; version: number }): JSX.Element | null {
  const list = useLoad(() => contactsApi.suggestions(), [props.version]);
  const [busy, setBusy] = useState<string | null>(null);
  if (list.status === 'missing') return null;
  const merge = async (p: PairSuggestion) => {
    const key = `${p.a.id}-${p.b.id}`;
    setBusy(key);
    try {
      await contactsApi.merge(p.a.id, p.b.id);
      showToast('info', tc('merged', { other: contactLabel(p.b), name: contactLabel(p.a) }));
      list.reload();
      props.onMerged();
    } catch (err) {
      showToast('error', errorText(err));
    } finally {
      setBusy(null);
    }
  };
  const items = list.data?.suggestions ?? [];
  return h(
    Card,
    { title: [tc('suggestionsTitle'), items.length ? h('span', { key: 'n', class: 'badge cc-badge' }, String(items.length)) : null], hint: tc('suggestionsHint'), testid: 'merge-suggestions' },
    list.status === 'error' ? h(ErrorNote, { text: list.error ?? '', onRetry: list.reload }) : null,
    list.status === 'loading' && !list.data ? h('div', { class: 'list-loading' }, h(Spinner, null)) : null,
    list.data && items.length === 0 ? h('p', { class: 'muted cc-pad' }, tc('noSuggestions')) : null,
    items.length > 0
      ? h(
          'ul',
          { class: 'cc-pairs' },
          items.map((p) =>
            h(
              'li',
              { key: `${p.a.id}-${p.b.id}`, class: 'cc-pair', 'data-testid': 'merge-suggestion' },
              h('div', { class: 'cc-pair-people' }, pairSide(p.a), h(Icon, { name: 'link', class: 'cc-pair-link' }), pairSide(p.b)),
              reasonChips(p.reasons),
              h(
                Button,
                { variant: 'primary', small: true, icon: 'users', disabled: busy !== null, title: tc('mergeInto', { other: contactLabel(p.b), name: contactLabel(p.a) }), onClick: () => void merge(p), testid: 'merge-button' },
                tc('merge'),
              ),
            ),
          ),
        )
      : null,
  );
}

function pairSide(c: Contact): JSX.Element {
  return h(
    'div',
    { class: 'cc-pair-side' },
    h(ContactCell, { c }),
    h('span', { class: 'muted small' }, [c.phoneE164 ?? c.phone, c.email].filter(Boolean).join(' · ') || tc('never')),
    h(ChannelBadges, { channels: c.channels }),
  );
}

function ImportResult(props: { report: ImportReport; onClose: () => void }): JSX.Element {
  const r = props.report;
  return h(
    'div',
    { class: `cc-import ${r.rejected.length ? 'has-rejected' : ''}`, role: 'status', 'data-testid': 'import-result' },
    h(
      'div',
      { class: 'cc-import-head' },
      h(Icon, { name: r.rejected.length ? 'alert' : 'done' }),
      h('strong', null, tc('importResult', { created: r.created, updated: r.updated, rejected: r.rejected.length })),
      h('span', { class: 'spacer' }),
      h(Button, { variant: 'ghost', small: true, icon: 'x', title: t('close'), onClick: props.onClose, testid: 'import-result-close' }),
    ),
    r.rejected.length
      ? h(
          'table',
          { class: 'table cc-table-compact' },
          h('thead', null, h('tr', null, h('th', { class: 'num' }, tc('importLine')), h('th', null, tc('importReason')))),
          h(
            'tbody',
            null,
            r.rejected.map((row, i) => h('tr', { key: i, 'data-testid': 'import-rejected' }, h('td', { class: 'num' }, String(row.line)), h('td', null, row.reason))),
          ),
        )
      : null,
  );
}

function ContactsList(_props: object): JSX.Element {
  const me = getState().me;
  const sup = isSupervisor(me?.role);
  const [q, setQ] = useState('');
  const [label, setLabel] = useState('');
  const [channel, setChannel] = useState('');
  const [version, setVersion] = useState(0);
  const [items, setItems] = useState<Contact[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [importing, setImporting] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const query = useDebounced(q.trim(), 250);
  const labelQ = useDebounced(label.trim(), 250);
  const page = useLoad(() => contactsApi.list({ q: query, label: labelQ, channel }), [query, labelQ, channel, version]);
  useEffect(() => {
    if (page.status === 'ready' && page.data) {
      setItems(page.data.contacts);
      setCursor(page.data.nextCursor);
    }
  }, [page.data]);

  const loadMore = async () => {
    if (!cursor) return;
    setMore(true);
    try {
      const r = await contactsApi.list({ q: query, label: labelQ, channel, cursor });
      setItems((xs) => [...xs, ...r.contacts.filter((c) => !xs.some((x) => x.id === c.id))]);
      setCursor(r.nextCursor);
    } catch (err) {
      showToast('error', errorText(err));
    } finally {
      setMore(false);
    }
  };

  const onFile = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const f = input.files?.[0];
    input.value = '';
    if (!f) return;
    if (f.size > MAX_IMPORT_BYTES) return showToast('error', tc('importTooBig'));
    setImporting(true);
    try {
      setReport(await contactsApi.importCsv(await f.text()));
      setVersion((v) => v + 1);
    } catch (err) {
      showToast('error', errorText(err));
    } finally {
      setImporting(false);
    }
  };

  const knownLabels = [...new Set(items.flatMap((c) => c.labels))].sort((a, b) => a.localeCompare(b));
  const busy = page.status === 'loading';
  return h(
    'div',
    { class: 'cc-page', 'data-testid': 'contacts', 'data-busy': String(busy) },
    h(
      'div',
      { class: 'admin-head' },
      h('div', null, h('h1', null, tc('contactsTitle')), h('p', { class: 'muted' }, tc('contactsHint'))),
      sup
        ? h(
            'div',
            { class: 'admin-actions' },
            h('input', { ref: file, type: 'file', accept: '.csv,text/csv', class: 'visually-hidden', tabIndex: -1, 'aria-hidden': 'true', onChange: onFile, 'data-testid': 'import-file' }),
            h(Button, { icon: 'upload', disabled: importing, title: tc('importHint'), onClick: () => file.current?.click(), testid: 'import-csv' }, importing ? tc('importing') : tc('importCsv')),
            h('a', { class: 'btn btn-secondary', href: contactsApi.exportHref, download: '', 'data-testid': 'export-csv' }, h(Icon, { name: 'download' }), h('span', null, tc('exportCsv'))),
          )
        : null,
    ),
    report ? h(ImportResult, { report, onClose: () => setReport(null) }) : null,
    h(
      'div',
      { class: 'report-filters cc-filters', role: 'search' },
      h(
        Field,
        { label: tc('contactsSearchLabel') },
        h('div', { class: 'search search-inline cc-search' }, h(Icon, { name: 'search' }), h('input', { type: 'search', value: q, placeholder: tc('contactsSearch'), 'aria-label': tc('contactsSearchLabel'), onInput: (e: Event) => setQ((e.target as HTMLInputElement).value), 'data-testid': 'contacts-search' })),
      ),
      h(
        Field,
        { label: tc('filterLabel') },
        h('input', { type: 'text', list: 'cc-known-labels', value: label, placeholder: tc('filterLabelAll'), onInput: (e: Event) => setLabel((e.target as HTMLInputElement).value), 'data-testid': 'contacts-label' }),
        h('datalist', { id: 'cc-known-labels' }, knownLabels.map((l) => h('option', { key: l, value: l }))),
      ),
      h(
        Field,
        { label: tc('filterChannel') },
        h(
          'select',
          { value: channel, onChange: (e: Event) => setChannel((e.target as HTMLSelectElement).value), 'data-testid': 'contacts-channel' },
          h('option', { value: '' }, tc('filterChannelAll')),
          CHANNEL_IDS.map((c) => h('option', { key: c, value: c }, channelLabel(c))),
        ),
      ),
      busy ? h(Spinner, null) : null,
    ),
    h(Suggestions, { version, onMerged: () => setVersion((v) => v + 1) }),
    page.status === 'missing'
      ? h(Empty, { icon: 'alert', title: t('featureMissing', { path: 'GET /contacts' }) })
      : page.status === 'error'
        ? h(ErrorNote, { text: page.error ?? '', onRetry: page.reload })
        : !page.data
          ? h('div', { class: 'list-loading' }, h(Spinner, null))
          : items.length === 0
            ? h(Empty, { icon: 'users', title: tc('noContacts') })
            : h(
                'div',
                { class: `table-scroll ${busy ? 'is-stale' : ''}` },
                h(
                  'table',
                  { class: 'table cc-table', 'data-testid': 'contacts-table' },
                  h(
                    'thead',
                    null,
                    h('tr', null, h('th', null, tc('colName')), h('th', null, tc('colPhone')), h('th', null, tc('colEmail')), h('th', null, tc('colChannels')), h('th', null, tc('colLabels')), h('th', null, tc('colLastActivity'))),
                  ),
                  h(
                    'tbody',
                    null,
                    items.map((c) =>
                      h(
                        'tr',
                        { key: c.id, 'data-testid': 'contact-row', 'data-id': String(c.id) },
                        h('td', null, h(ContactCell, { c })),
                        h('td', { class: 'nowrap' }, c.phone ? [c.phoneE164 ?? c.phone, c.phoneVerified ? verifiedTick() : null] : h('span', { class: 'muted' }, '—')),
                        h('td', { class: 'cc-email' }, c.email ? [c.email, c.emailVerified ? verifiedTick() : null] : h('span', { class: 'muted' }, '—')),
                        h('td', null, h(ChannelBadges, { channels: c.channels })),
                        h('td', null, h(LabelChips, { labels: c.labels })),
                        h('td', { class: 'nowrap muted', title: dateTime(c.lastActivityAt) }, c.lastActivityAt ? relativeTime(c.lastActivityAt) : tc('never')),
                      ),
                    ),
                  ),
                ),
              ),
    cursor ? h('div', { class: 'cc-more' }, h(Button, { onClick: () => void loadMore(), disabled: more, testid: 'contacts-more' }, tc('loadMore'))) : null,
  );
}

export function ContactsScreen(props: { contactId: number | null }): JSX.Element {
  return h('div', { class: 'cc-screen' }, props.contactId ? h(ContactPage, { key: props.contactId, id: props.contactId }) : h(ContactsList, null));
}

export function openContact(id: number): void {
  navigate({ view: 'contacts', contactId: id });
}
