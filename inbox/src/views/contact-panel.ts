import { h, type JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { loadContact, openConversation, toggleContactPanel } from '../actions';
import { channelLabel, contactName, dateTime, relativeTime } from '../format';
import { t } from '../i18n';
import { getState } from '../store';
import type { ConvDetail } from '../types';
import { LabelChips } from './contacts/common';
import { FollowUps } from './contacts/follow-ups';
import { tc } from './contacts/strings';
import { Avatar, Button, ChannelBadge, ErrorNote, Icon, Spinner, StatusChip, type IconName } from '../ui';

function Row(props: { icon: IconName; label: string; value: string | null }): JSX.Element {
  return h(
    'div',
    { class: 'info-row' },
    h(Icon, { name: props.icon }),
    h('div', null, h('div', { class: 'info-label' }, props.label), h('div', { class: `info-value ${props.value ? '' : 'muted'}` }, props.value || t('none'))),
  );
}

export function ContactPanel(props: { d: ConvDetail }): JSX.Element {
  const d = props.d;
  const s = getState();
  const entry = s.contacts[d.contact.id];
  useEffect(() => {
    void loadContact(d.contact.id);
  }, [d.contact.id]);
  const data = entry?.data ?? null;
  const name = contactName(data ?? d.contact);
  return h(
    'aside',
    { class: 'contact-panel', 'aria-label': t('contactInfo'), 'data-testid': 'contact-panel' },
    h('div', { class: 'pane-head' }, h('h2', null, t('contactInfo')), h(Button, { variant: 'ghost', icon: 'x', title: t('close'), onClick: toggleContactPanel, small: true })),
    h(
      'div',
      { class: 'contact-scroll' },
      h(
        'div',
        { class: 'contact-hero' },
        h(Avatar, { name, seed: d.contact.id, url: data?.avatarUrl ?? d.contact.avatarUrl, size: 'lg', anonymous: !(data ?? d.contact).name?.trim() }),
        h('div', { class: 'contact-name' }, name),
        h(ChannelBadge, { channel: d.channel }),
        data?.labels?.length ? h(LabelChips, { labels: data.labels }) : null,
        h('a', { class: 'btn btn-ghost btn-sm', href: `#/contacts/${d.contact.id}`, 'data-testid': 'contact-open-full' }, h(Icon, { name: 'user' }), h('span', null, tc('viewContact'))),
      ),
      h(Row, { icon: 'phone', label: t('phone'), value: data?.phoneE164 ?? data?.phone ?? d.contact.phone }),
      h(Row, { icon: 'mail', label: t('email'), value: data?.email ?? d.contact.email }),
      h(Row, { icon: 'clock', label: t('createdAt'), value: dateTime(d.createdAt) + (d.reopenCount > 0 ? ` · ${t('reopenCount', { n: d.reopenCount })}` : '') }),
      data && data.identities.length > 0
        ? h(
            'div',
            { class: 'contact-section' },
            h('h3', null, t('channelIds')),
            data.identities.map((i) => h('div', { key: `${i.channel}:${i.accountId}:${i.externalId}`, class: 'identity' }, h(ChannelBadge, { channel: i.channel }), h('code', { title: i.externalId }, i.externalId))),
          )
        : null,
      h(FollowUps, { key: d.id, conversationId: d.id }),
      h(
        'div',
        { class: 'contact-section' },
        h('h3', null, t('otherConversations')),
        !entry || entry.status === 'loading'
          ? h(Spinner, null)
          : entry.status === 'missing' || entry.status === 'error'
            ? h(ErrorNote, { text: entry.status === 'missing' ? t('featureMissing', { path: 'GET /contacts/:id' }) : t('contactLoadFailed'), onRetry: () => void loadContact(d.contact.id, true) })
            : data && data.conversations.length > 1
              ? h(
                  'ul',
                  { class: 'history' },
                  data.conversations.map((c) =>
                    h(
                      'li',
                      { key: c.id },
                      h(
                        'button',
                        { type: 'button', class: `history-item ${c.id === d.id ? 'current' : ''}`, disabled: c.id === d.id, onClick: () => openConversation(c.id, 'all'), 'data-testid': 'contact-conv' },
                        h(ChannelBadge, { channel: c.channel, withLabel: false }),
                        h('span', { class: 'history-main' }, h('span', null, `#${c.id} · ${channelLabel(c.channel)}`), h('span', { class: 'muted' }, c.id === d.id ? t('current') : relativeTime(c.lastMessageAt ?? c.createdAt))),
                        h(StatusChip, { status: c.status }),
                      ),
                    ),
                  ),
                )
              : h('p', { class: 'muted' }, t('noOtherConversations')),
      ),
    ),
  );
}
