import { h, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import * as api from '../../api';
import { loadAgents } from '../../actions';
import { roleLabel } from '../../format';
import { t } from '../../i18n';
import { getState } from '../../store';
import type { Agent, Role } from '../../types';
import { Avatar, Button, Field, Modal } from '../../ui';
import { AdminPage, attempt, DeleteButton, FormError, FormFooter, inputValue, isAdmin, ListBody, remove, useList } from './common';

function AgentForm(props: { agent: Agent | null; onDone: () => void; onClose: () => void }): JSX.Element {
  const a = props.agent;
  const [email, setEmail] = useState(a?.email ?? '');
  const [name, setName] = useState(a?.name ?? '');
  const [role, setRole] = useState<Role>(a?.role ?? 'agent');
  const [password, setPassword] = useState('');
  const [max, setMax] = useState(String(a?.maxConversations ?? 10));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const body = { email: email.trim(), name: name.trim(), role, maxConversations: Number(max) || undefined, ...(password ? { password } : {}) };
    const err = await attempt(() => (a ? api.patch(`/agents/${a.id}`, body) : api.post('/agents', body)));
    setBusy(false);
    if (err) return setError(err);
    props.onDone();
  };

  return h(
    Modal,
    { title: a ? t('editAgent') : t('newAgent'), onClose: props.onClose, footer: FormFooter({ formId: 'agent-form', busy, onCancel: props.onClose }) },
    h(
      'form',
      { id: 'agent-form', class: 'form-grid', onSubmit: submit },
      h(Field, { label: t('name') }, h('input', { value: name, required: true, maxLength: 120, onInput: (e: Event) => setName(inputValue(e)) })),
      h(Field, { label: t('email') }, h('input', { type: 'email', value: email, required: true, maxLength: 200, onInput: (e: Event) => setEmail(inputValue(e)) })),
      h(
        Field,
        { label: t('role') },
        h('select', { value: role, onChange: (e: Event) => setRole(inputValue(e) as Role) }, (['agent', 'supervisor', 'admin'] as const).map((r) => h('option', { key: r, value: r }, roleLabel(r)))),
      ),
      h(Field, { label: t('maxConversations') }, h('input', { type: 'number', min: 1, max: 100, value: max, onInput: (e: Event) => setMax(inputValue(e)) })),
      h(
        Field,
        { label: t('password'), hint: a ? t('newPasswordHint') : t('passwordHint'), wide: true },
        h('input', { type: 'password', autoComplete: 'new-password', value: password, minLength: 10, required: !a, onInput: (e: Event) => setPassword(inputValue(e)) }),
      ),
      h(FormError, { error }),
    ),
  );
}

export function AgentsAdmin(): JSX.Element {
  const list = useList<Agent>('/agents');
  const [editing, setEditing] = useState<Agent | 'new' | null>(null);
  const admin = isAdmin();
  const me = getState().me!;
  const done = () => {
    setEditing(null);
    void list.reload();
    void loadAgents();
  };
  return h(
    AdminPage,
    {
      title: t('navAgents'),
      testid: 'admin-agents',
      actions: admin && list.status === 'ready' ? h(Button, { variant: 'primary', icon: 'plus', onClick: () => setEditing('new') }, t('newAgent')) : null,
    },
    h(ListBody<Agent>, {
      list,
      endpoint: 'GET /agents',
      empty: t('listEmpty'),
      children: () =>
        h(
          'table',
          { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, t('name')), h('th', null, t('role')), h('th', { class: 'num' }, t('maxConversations')), h('th', null, t('presence')), admin ? h('th', { class: 'actions' }) : null)),
          h(
            'tbody',
            null,
            list.items.map((a) =>
              h(
                'tr',
                { key: a.id, 'data-testid': 'agent-row' },
                h('td', null, h('div', { class: 'cell-person' }, h(Avatar, { name: a.name, seed: `agent-${a.id}`, size: 'sm' }), h('div', null, h('div', { class: 'strong' }, a.name), h('div', { class: 'muted small' }, a.email)))),
                h('td', null, h('span', { class: `chip chip-role-${a.role}` }, roleLabel(a.role))),
                h('td', { class: 'num' }, String(a.maxConversations)),
                h('td', null, h('span', { class: 'presence' }, h('span', { class: `dot dot-${a.presence}` }), t(a.presence))),
                admin
                  ? h(
                      'td',
                      { class: 'actions' },
                      h(Button, { variant: 'ghost', icon: 'edit', small: true, title: t('edit'), onClick: () => setEditing(a) }),
                      a.id !== me.id ? h(DeleteButton, { name: a.name, onDelete: () => remove(`/agents/${a.id}`, done) }) : null,
                    )
                  : null,
              ),
            ),
          ),
        ),
    }),
    editing ? h(AgentForm, { agent: editing === 'new' ? null : editing, onDone: done, onClose: () => setEditing(null) }) : null,
  );
}
