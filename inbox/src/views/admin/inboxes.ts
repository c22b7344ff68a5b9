import { h, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import * as api from '../../api';
import { loadInboxes } from '../../actions';
import { channelLabel } from '../../format';
import { t, type MessageKey } from '../../i18n';
import { getState } from '../../store';
import type { Inbox, InboxSettings, PrechatMode } from '../../types';
import { Button, ChannelBadge, Field, Icon, Modal } from '../../ui';
import { AdminPage, attempt, DeleteButton, FormError, FormFooter, inputValue, isAdmin, ListBody, remove, useList } from './common';
import { MemberPicker } from './teams';

type Routing = NonNullable<InboxSettings['routing']>;
const ROUTING: [Routing, MessageKey][] = [
  ['round_robin', 'routingRoundRobin'],
  ['least_busy', 'routingLeastBusy'],
  ['manual', 'routingManual'],
];
const PRECHAT: [PrechatMode, MessageKey][] = [
  ['off', 'prechatOff'],
  ['optional', 'prechatOptional'],
  ['required', 'prechatRequired'],
];
const PRECHAT_FIELDS: ['name' | 'phone' | 'email', MessageKey][] = [
  ['name', 'name'],
  ['phone', 'phone'],
  ['email', 'email'],
];

export function embedSnippet(accountId: string): string {
  return `<script src="${location.origin}/widget.js" data-inbox="${accountId}" async></script>`;
}

function routingOf(i: Inbox): Routing {
  const r = i.settings?.routing;
  return r === 'least_busy' || r === 'manual' ? r : 'round_robin';
}

export function EmbedSnippet(props: { accountId: string }): JSX.Element {
  const [copied, setCopied] = useState(false);
  const code = embedSnippet(props.accountId);
  const copy = () => {
    void navigator.clipboard?.writeText(code).then(() => {
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    });
  };
  return h(
    'div',
    { class: 'snippet' },
    h('div', { class: 'snippet-head' }, h('span', null, t('embedSnippet')), h(Button, { small: true, variant: 'ghost', icon: copied ? 'check' : 'copy', onClick: copy, testid: 'copy-snippet' }, copied ? t('copied') : t('copy'))),
    h('pre', { 'data-testid': 'embed-snippet' }, code),
    h('div', { class: 'field-hint' }, t('embedHint')),
  );
}

function InboxForm(props: { inbox: Inbox | null; onDone: () => void; onClose: () => void }): JSX.Element {
  const s = getState();
  const i = props.inbox;
  const [channel, setChannel] = useState(i?.channel ?? 'widget');
  const [accountId, setAccountId] = useState(i?.accountId ?? '');
  const [name, setName] = useState(i?.name ?? '');
  const [botEnabled, setBotEnabled] = useState(i?.botEnabled ?? true);
  const [teamId, setTeamId] = useState(i?.teamId ? String(i.teamId) : '');
  const [routing, setRouting] = useState<Routing>(i ? routingOf(i) : 'round_robin');
  const [members, setMembers] = useState<number[]>(i?.memberIds ?? []);
  const [greeting, setGreeting] = useState(typeof i?.settings?.greeting === 'string' ? i.settings.greeting : '');
  const [prechat, setPrechat] = useState<Record<'name' | 'phone' | 'email', PrechatMode>>({
    name: i?.settings?.prechat?.name ?? 'off',
    phone: i?.settings?.prechat?.phone ?? 'off',
    email: i?.settings?.prechat?.email ?? 'off',
  });
  const [origins, setOrigins] = useState((Array.isArray(i?.settings?.allowedOrigins) ? i.settings.allowedOrigins : []).join('\n'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isWidget = channel === 'widget';

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    // Only the keys edited here: the server merges settings, and secrets come back masked.
    const settings: InboxSettings = { routing };
    if (isWidget) {
      settings.prechat = prechat;
      settings.allowedOrigins = origins.split(/\s+/).map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean);
      settings.greeting = greeting.trim() || null;
    }
    const body = { name: name.trim(), botEnabled, teamId: teamId ? Number(teamId) : null, settings, ...(s.agents ? { memberIds: members } : {}) };
    const err = await attempt(() => (i ? api.patch(`/inboxes/${i.id}`, body) : api.post('/inboxes', { ...body, channel, accountId: accountId.trim() })));
    setBusy(false);
    if (err) return setError(err);
    props.onDone();
  };

  return h(
    Modal,
    { title: i ? `${t('editInbox')} — ${i.name}` : t('newInbox'), wide: true, onClose: props.onClose, footer: FormFooter({ formId: 'inbox-form', busy, onCancel: props.onClose }) },
    h(
      'form',
      { id: 'inbox-form', class: 'form-grid', onSubmit: submit },
      i
        ? null
        : h(
            Field,
            { label: t('channel') },
            h('select', { value: channel, onChange: (e: Event) => setChannel(inputValue(e)) }, ['widget', 'messenger', 'zalo'].map((c) => h('option', { key: c, value: c }, channelLabel(c)))),
          ),
      i ? null : h(Field, { label: t('accountId'), hint: t('accountIdHint') }, h('input', { value: accountId, required: true, maxLength: 100, pattern: '[A-Za-z0-9_.\\-]+', onInput: (e: Event) => setAccountId(inputValue(e)) })),
      h(Field, { label: t('name') }, h('input', { value: name, required: true, maxLength: 120, onInput: (e: Event) => setName(inputValue(e)) })),
      h(
        Field,
        { label: t('defaultTeam') },
        h('select', { value: teamId, onChange: (e: Event) => setTeamId(inputValue(e)) }, h('option', { value: '' }, t('noTeamAssigned')), (s.teams ?? []).map((tm) => h('option', { key: tm.id, value: String(tm.id) }, tm.name))),
      ),
      h(Field, { label: t('routing') }, h('select', { value: routing, onChange: (e: Event) => setRouting(inputValue(e) as Routing), 'data-testid': 'inbox-routing' }, ROUTING.map(([v, k]) => h('option', { key: v, value: v }, t(k))))),
      h(
        'label',
        { class: 'switch-field' },
        h('input', { type: 'checkbox', role: 'switch', checked: botEnabled, onChange: (e: Event) => setBotEnabled((e.target as HTMLInputElement).checked), 'data-testid': 'inbox-bot' }),
        h('span', { class: 'switch', 'aria-hidden': 'true' }),
        h('span', null, t('botEnabled')),
      ),
      isWidget
        ? h(
            'fieldset',
            { class: 'fieldset field-wide' },
            h('legend', null, t('prechat')),
            h(
              'div',
              { class: 'prechat-grid' },
              PRECHAT_FIELDS.map(([f, label]) =>
                h(
                  Field,
                  { key: f, label: t(label) },
                  h('select', { value: prechat[f], onChange: (e: Event) => setPrechat({ ...prechat, [f]: inputValue(e) as PrechatMode }) }, PRECHAT.map(([v, k]) => h('option', { key: v, value: v }, t(k)))),
                ),
              ),
            ),
          )
        : null,
      isWidget ? h(Field, { label: t('greeting'), wide: true }, h('input', { value: greeting, maxLength: 500, onInput: (e: Event) => setGreeting(inputValue(e)) })) : null,
      isWidget
        ? h(
            Field,
            { label: t('allowedOrigins'), hint: t('allowedOriginsHint'), wide: true },
            h('textarea', { rows: 3, value: origins, placeholder: 'https://shop.vn', onInput: (e: Event) => setOrigins(inputValue(e)), 'data-testid': 'inbox-origins' }),
          )
        : null,
      s.agents ? h(Field, { label: t('members'), wide: true }, h(MemberPicker, { agents: s.agents, selected: members, onChange: setMembers })) : null,
      i && isWidget ? h('div', { class: 'field-wide' }, h(EmbedSnippet, { accountId: i.accountId })) : null,
      h(FormError, { error }),
    ),
  );
}

export function InboxesAdmin(): JSX.Element {
  const list = useList<Inbox>('/inboxes');
  const [editing, setEditing] = useState<Inbox | 'new' | null>(null);
  const admin = isAdmin();
  const s = getState();
  const done = () => {
    setEditing(null);
    void list.reload();
    void loadInboxes();
  };
  const routingLabel = (i: Inbox) => t(ROUTING.find(([v]) => v === routingOf(i))![1]);
  return h(
    AdminPage,
    {
      title: t('navInboxes'),
      testid: 'admin-inboxes',
      actions: admin && list.status === 'ready' ? h(Button, { variant: 'primary', icon: 'plus', onClick: () => setEditing('new') }, t('newInbox')) : null,
    },
    h(ListBody<Inbox>, {
      list,
      endpoint: 'GET /inboxes',
      empty: t('listEmpty'),
      children: () =>
        h(
          'div',
          { class: 'cards' },
          list.items.map((i) =>
            h(
              'div',
              { key: i.id, class: 'card', 'data-testid': 'inbox-row' },
              h(
                'div',
                { class: 'card-head' },
                h(ChannelBadge, { channel: i.channel, withLabel: false }),
                h('h3', null, i.name),
                h('code', { class: 'code-chip' }, i.accountId),
                admin
                  ? h('span', { class: 'card-actions' }, h(Button, { variant: 'ghost', icon: 'edit', small: true, title: t('edit'), onClick: () => setEditing(i), testid: 'inbox-edit' }), h(DeleteButton, { name: i.name, onDelete: () => remove(`/inboxes/${i.id}`, done) }))
                  : null,
              ),
              h(
                'div',
                { class: 'card-meta' },
                h('span', { class: `chip ${i.botEnabled ? 'chip-bot' : 'chip-muted'}` }, h(Icon, { name: 'bot', size: 12 }), i.botEnabled ? t('botOn') : t('botOff')),
                h('span', null, `${channelLabel(i.channel)}`),
                h('span', null, `${t('routing')}: ${routingLabel(i)}`),
                h('span', null, `${t('team')}: ${i.teamId ? (s.teams?.find((tm) => tm.id === i.teamId)?.name ?? `#${i.teamId}`) : t('none')}`),
                i.memberIds ? h('span', null, `${i.memberIds.length} ${t('members').toLowerCase()}`) : null,
              ),
              i.channel === 'widget' ? h(EmbedSnippet, { accountId: i.accountId }) : null,
            ),
          ),
        ),
    }),
    editing ? h(InboxForm, { inbox: editing === 'new' ? null : editing, onDone: done, onClose: () => setEditing(null) }) : null,
  );
}
