import { h, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import * as api from '../../api';
import { loadTeams } from '../../actions';
import { t } from '../../i18n';
import { getState } from '../../store';
import type { Agent, Team } from '../../types';
import { Avatar, Button, Field, Modal } from '../../ui';
import { AdminPage, attempt, DeleteButton, FormError, FormFooter, inputValue, isAdmin, ListBody, remove, useList } from './common';

/** Checkboxes of agents (team and inbox members). */
export function MemberPicker(props: { agents: Agent[]; selected: number[]; onChange: (ids: number[]) => void }): JSX.Element {
  const toggle = (id: number) => props.onChange(props.selected.includes(id) ? props.selected.filter((x) => x !== id) : [...props.selected, id]);
  return h(
    'div',
    { class: 'member-picker' },
    props.agents.map((a) =>
      h(
        'label',
        { key: a.id, class: `member-option ${props.selected.includes(a.id) ? 'checked' : ''}` },
        h('input', { type: 'checkbox', checked: props.selected.includes(a.id), onChange: () => toggle(a.id) }),
        h(Avatar, { name: a.name, seed: `agent-${a.id}`, size: 'sm' }),
        h('span', null, a.name),
      ),
    ),
  );
}

function TeamForm(props: { team: Team | null; agents: Agent[]; onDone: () => void; onClose: () => void }): JSX.Element {
  const [name, setName] = useState(props.team?.name ?? '');
  const [members, setMembers] = useState<number[]>(props.team?.memberIds ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const body = { name: name.trim(), memberIds: members };
    const err = await attempt(() => (props.team ? api.patch(`/teams/${props.team.id}`, body) : api.post('/teams', body)));
    setBusy(false);
    if (err) return setError(err);
    props.onDone();
  };
  return h(
    Modal,
    { title: props.team ? t('editTeam') : t('newTeam'), onClose: props.onClose, footer: FormFooter({ formId: 'team-form', busy, onCancel: props.onClose }) },
    h(
      'form',
      { id: 'team-form', class: 'form-grid', onSubmit: submit },
      h(Field, { label: t('teamName'), wide: true }, h('input', { value: name, required: true, maxLength: 120, onInput: (e: Event) => setName(inputValue(e)) })),
      h(Field, { label: t('members'), wide: true }, h(MemberPicker, { agents: props.agents, selected: members, onChange: setMembers })),
      h(FormError, { error }),
    ),
  );
}

export function TeamsAdmin(): JSX.Element {
  const list = useList<Team>('/teams');
  const agents = getState().agents ?? [];
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const admin = isAdmin();
  const done = () => {
    setEditing(null);
    void list.reload();
    void loadTeams();
  };
  const nameOf = (id: number) => agents.find((a) => a.id === id)?.name ?? `#${id}`;
  return h(
    AdminPage,
    {
      title: t('navTeams'),
      testid: 'admin-teams',
      actions: admin && list.status === 'ready' ? h(Button, { variant: 'primary', icon: 'plus', onClick: () => setEditing('new') }, t('newTeam')) : null,
    },
    h(ListBody<Team>, {
      list,
      endpoint: 'GET /teams',
      empty: t('listEmpty'),
      children: () =>
        h(
          'div',
          { class: 'cards' },
          list.items.map((team) =>
            h(
              'div',
              { key: team.id, class: 'card', 'data-testid': 'team-row' },
              h(
                'div',
                { class: 'card-head' },
                h('span', { class: 'card-icon' }, h(Avatar, { name: team.name, seed: `team-${team.id}`, size: 'sm' })),
                h('h3', null, team.name),
                h('span', { class: 'muted small' }, `${team.memberIds.length} ${t('members').toLowerCase()}`),
                admin
                  ? h('span', { class: 'card-actions' }, h(Button, { variant: 'ghost', icon: 'edit', small: true, title: t('edit'), onClick: () => setEditing(team) }), h(DeleteButton, { name: team.name, onDelete: () => remove(`/teams/${team.id}`, done) }))
                  : null,
              ),
              h(
                'div',
                { class: 'member-chips' },
                team.memberIds.length === 0 ? h('span', { class: 'muted' }, t('noMembers')) : team.memberIds.map((id) => h('span', { key: id, class: 'member-chip' }, h(Avatar, { name: nameOf(id), seed: `agent-${id}`, size: 'sm' }), nameOf(id))),
              ),
            ),
          ),
        ),
    }),
    editing ? h(TeamForm, { team: editing === 'new' ? null : editing, agents, onDone: done, onClose: () => setEditing(null) }) : null,
  );
}
