import { h, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import { assignConversation } from '../actions';
import { t } from '../i18n';
import { getState } from '../store';
import type { ConvDetail } from '../types';
import { Button, Field, Modal } from '../ui';

const PRESENCE_ORDER = { online: 0, away: 1, offline: 2 } as const;

/** Assign to an agent and/or a team; a note goes with transfers (to the event log, not the contact). */
export function AssignDialog(props: { conv: ConvDetail; onClose: () => void }): JSX.Element {
  const s = getState();
  const conv = props.conv;
  const [agentId, setAgentId] = useState<string>(conv.assigneeId ? String(conv.assigneeId) : '');
  const [teamId, setTeamId] = useState<string>(conv.teamId ? String(conv.teamId) : '');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const agents = [...(s.agents ?? [])].sort((a, b) => PRESENCE_ORDER[a.presence] - PRESENCE_ORDER[b.presence] || a.name.localeCompare(b.name));
  const teams = s.teams ?? [];
  const me = s.me!;

  const submit = async (target: { agentId?: number | null; teamId?: number | null }) => {
    setBusy(true);
    const ok = await assignConversation(conv.id, { ...target, ...(note.trim() ? { note: note.trim() } : {}) });
    setBusy(false);
    if (ok) props.onClose();
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const nextAgent = agentId ? Number(agentId) : null;
    const nextTeam = teamId ? Number(teamId) : null;
    const target: { agentId?: number | null; teamId?: number | null } = {};
    if (nextAgent !== conv.assigneeId) target.agentId = nextAgent;
    if (nextTeam !== conv.teamId) target.teamId = nextTeam;
    if (Object.keys(target).length === 0) return props.onClose();
    void submit(target);
  };

  return h(
    Modal,
    {
      title: t('assignTitle'),
      onClose: props.onClose,
      testid: 'assign-dialog',
      footer: [
        conv.assigneeId !== me.id ? h(Button, { key: 'me', variant: 'secondary', icon: 'user', disabled: busy, onClick: () => void submit({ agentId: me.id }), testid: 'assign-me' }, t('assignToMe')) : null,
        h('span', { key: 'sp', class: 'spacer' }),
        h(Button, { key: 'c', variant: 'ghost', onClick: props.onClose }, t('cancel')),
        h('button', { key: 's', type: 'submit', form: 'assign-form', class: 'btn btn-primary', disabled: busy, 'data-testid': 'assign-submit' }, busy ? t('saving') : t('assign')),
      ],
    },
    h(
      'form',
      { id: 'assign-form', class: 'form-grid', onSubmit },
      s.agents
        ? h(
            Field,
            { label: t('assignAgent'), wide: true },
            h(
              'select',
              { value: agentId, onChange: (e: Event) => setAgentId((e.target as HTMLSelectElement).value), 'data-testid': 'assign-agent' },
              h('option', { value: '' }, t('assignNobody')),
              agents.map((a) => h('option', { key: a.id, value: String(a.id) }, `${a.name}${a.id === me.id ? ` (${t('you')})` : ''} · ${t(a.presence)}`)),
            ),
          )
        : h('p', { class: 'muted' }, t('agentsUnavailable')),
      teams.length > 0
        ? h(
            Field,
            { label: t('assignTeam'), wide: true },
            h(
              'select',
              { value: teamId, onChange: (e: Event) => setTeamId((e.target as HTMLSelectElement).value), 'data-testid': 'assign-team' },
              h('option', { value: '' }, t('assignNobody')),
              teams.map((tm) => h('option', { key: tm.id, value: String(tm.id) }, tm.name)),
            ),
          )
        : null,
      h(
        Field,
        { label: t('assignNote'), wide: true },
        h('textarea', { rows: 3, value: note, maxLength: 1000, placeholder: t('assignNotePlaceholder'), onInput: (e: Event) => setNote((e.target as HTMLTextAreaElement).value), 'data-testid': 'assign-note' }),
      ),
    ),
  );
}
