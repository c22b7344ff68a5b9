/**
 * One contact (`#/contacts/:id`): the editable profile (phone shown normalised to E.164,
 * verified ticks, notes, labels, custom attributes), every channel identity, one timeline
 * of every conversation and message across channels, merge suggestions for this contact
 * and the merge history with "Undo".
 */
import { h, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText, openConversation } from '../../actions';
import { channelLabel, dateTime, previewOf, relativeTime } from '../../format';
import { showToast } from '../../notify';
import { getState } from '../../store';
import type { MessageContent } from '../../types';
import { Avatar, Button, ChannelBadge, Empty, ErrorNote, Field, Icon, Spinner, StatusChip } from '../../ui';
import { Card, ChannelBadges, contactLabel, ContactCell, LabelChips, useLoad } from './common';
import { contactsApi, splitLabels, type AttributeValue, type Contact, type ContactRecord, type TimelineMessage } from './model';
import { tc } from './strings';

type AttrRow = { key: string; value: string; kind: 'string' | 'number' | 'boolean' };

function attrRows(attributes: Record<string, AttributeValue>): AttrRow[] {
  return Object.entries(attributes ?? {}).map(([key, v]) => ({ key, value: String(v), kind: typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string' }));
}

function attrValue(row: AttrRow): AttributeValue {
  const v = row.value.trim();
  if (row.kind === 'number' && v !== '' && Number.isFinite(Number(v))) return Number(v);
  if (row.kind === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
  return row.value;
}

function ProfileForm(props: { c: Contact; onSaved: (c: Contact) => void }): JSX.Element {
  const { c } = props;
  const [name, setName] = useState(c.name ?? '');
  const [phone, setPhone] = useState(c.phone ?? '');
  const [phoneVerified, setPhoneVerified] = useState(c.phoneVerified);
  const [email, setEmail] = useState(c.email ?? '');
  const [emailVerified, setEmailVerified] = useState(c.emailVerified);
  const [notes, setNotes] = useState(c.notes ?? '');
  const [labels, setLabels] = useState<string[]>(c.labels ?? []);
  const [newLabel, setNewLabel] = useState('');
  const [attrs, setAttrs] = useState<AttrRow[]>(attrRows(c.attributes));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const addLabels = () => {
    const add = splitLabels(newLabel).filter((l) => !labels.includes(l));
    if (add.length) setLabels([...labels, ...add]);
    setNewLabel('');
  };
  const setAttr = (i: number, patch: Partial<AttrRow>) => setAttrs(attrs.map((a, j) => (j === i ? { ...a, ...patch } : a)));

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const pending = splitLabels(newLabel).filter((l) => !labels.includes(l));
    const attributes: Record<string, AttributeValue> = {};
    for (const a of attrs) if (a.key.trim()) attributes[a.key.trim()] = attrValue(a);
    try {
      const r = await contactsApi.update(c.id, {
        name: name.trim() || null,
        phone: phone.trim() || null,
        phoneVerified,
        email: email.trim() || null,
        emailVerified,
        notes: notes.trim() || null,
        labels: [...labels, ...pending],
        attributes,
      });
      setNewLabel('');
      setLabels(r.contact.labels);
      setPhone(r.contact.phone ?? '');
      setAttrs(attrRows(r.contact.attributes));
      showToast('info', tc('profileSaved'));
      props.onSaved(r.contact);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return h(
    'form',
    { class: 'cc-form', onSubmit: submit, 'data-testid': 'profile-form', 'aria-label': tc('profile') },
    h(Field, { label: tc('name') }, h('input', { value: name, maxLength: 200, onInput: (e: Event) => setName((e.target as HTMLInputElement).value), 'data-testid': 'profile-name' })),
    h(
      'div',
      { class: 'cc-form-row' },
      h(
        Field,
        { label: tc('phone'), hint: c.phoneE164 ? tc('phoneNormalised', { e164: c.phoneE164 }) : undefined },
        h('input', { type: 'tel', value: phone, maxLength: 40, onInput: (e: Event) => setPhone((e.target as HTMLInputElement).value), 'data-testid': 'profile-phone' }),
      ),
      h('label', { class: 'cc-check' }, h('input', { type: 'checkbox', checked: phoneVerified, onChange: (e: Event) => setPhoneVerified((e.target as HTMLInputElement).checked), 'data-testid': 'profile-phone-verified' }), tc('phoneVerified')),
    ),
    h(
      'div',
      { class: 'cc-form-row' },
      h(Field, { label: tc('email') }, h('input', { type: 'email', value: email, maxLength: 320, onInput: (e: Event) => setEmail((e.target as HTMLInputElement).value), 'data-testid': 'profile-email' })),
      h('label', { class: 'cc-check' }, h('input', { type: 'checkbox', checked: emailVerified, onChange: (e: Event) => setEmailVerified((e.target as HTMLInputElement).checked), 'data-testid': 'profile-email-verified' }), tc('emailVerified')),
    ),
    h(
      'div',
      { class: 'field' },
      h('span', { class: 'field-label', id: 'cc-labels-label' }, tc('labels')),
      h(LabelChips, { labels, onRemove: (l) => setLabels(labels.filter((x) => x !== l)) }),
      h(
        'div',
        { class: 'cc-inline' },
        h('input', {
          value: newLabel,
          placeholder: tc('labelsHint'),
          'aria-labelledby': 'cc-labels-label',
          onInput: (e: Event) => setNewLabel((e.target as HTMLInputElement).value),
          onKeyDown: (e: KeyboardEvent) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              addLabels();
            }
          },
          'data-testid': 'profile-label-input',
        }),
        h(Button, { small: true, icon: 'plus', onClick: addLabels, testid: 'profile-label-add' }, tc('addLabel')),
      ),
    ),
    h(Field, { label: tc('notes') }, h('textarea', { rows: 3, value: notes, maxLength: 5000, onInput: (e: Event) => setNotes((e.target as HTMLTextAreaElement).value), 'data-testid': 'profile-notes' })),
    h(
      'fieldset',
      { class: 'fieldset cc-attrs' },
      h('legend', null, tc('attributes')),
      attrs.map((a, i) =>
        h(
          'div',
          { key: i, class: 'cc-attr', 'data-testid': 'attr-row' },
          h('input', { value: a.key, placeholder: tc('attrKey'), 'aria-label': tc('attrKey'), maxLength: 64, onInput: (e: Event) => setAttr(i, { key: (e.target as HTMLInputElement).value }), 'data-testid': 'attr-key' }),
          h('input', { value: a.value, placeholder: tc('attrValue'), 'aria-label': tc('attrValue'), maxLength: 500, onInput: (e: Event) => setAttr(i, { value: (e.target as HTMLInputElement).value }), 'data-testid': 'attr-value' }),
          h(Button, { variant: 'ghost', small: true, icon: 'trash', title: tc('removeAttribute', { key: a.key }), onClick: () => setAttrs(attrs.filter((_, j) => j !== i)) }),
        ),
      ),
      h(Button, { small: true, variant: 'ghost', icon: 'plus', onClick: () => setAttrs([...attrs, { key: '', value: '', kind: 'string' }]), testid: 'attr-add' }, tc('addAttribute')),
    ),
    error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'form-error' }, error) : null,
    h('div', { class: 'cc-form-foot' }, h('button', { type: 'submit', class: 'btn btn-primary', disabled: busy, 'data-testid': 'profile-save' }, h(Icon, { name: 'check' }), h('span', null, tc('saveProfile')))),
  );
}

function senderLabel(m: TimelineMessage): string {
  if (m.private) return tc('privateNote');
  if (m.senderType === 'contact' || m.direction === 'in') return tc('fromContact');
  if (m.senderType === 'bot') return tc('fromBot');
  if (m.senderType === 'system') return tc('fromSystem');
  return tc('fromAgent');
}

function Timeline(props: { id: number; record: ContactRecord }): JSX.Element {
  const [messages, setMessages] = useState<TimelineMessage[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const first = useLoad(() => contactsApi.timeline(props.id, null), [props.id, props.record.conversations.length]);
  const [more, setMore] = useState(false);
  useEffect(() => {
    if (first.data) {
      setMessages(first.data.messages);
      setNext(first.data.nextBefore);
    }
  }, [first.data]);
  const loadMore = async () => {
    if (next === null) return;
    setMore(true);
    try {
      const r = await contactsApi.timeline(props.id, next);
      setMessages((xs) => [...xs, ...r.messages]);
      setNext(r.nextBefore);
    } catch (err) {
      showToast('error', errorText(err));
    } finally {
      setMore(false);
    }
  };
  const inboxName = (id: number) => props.record.conversations.find((c) => c.inboxId === id)?.inboxName ?? getState().inboxes?.find((i) => i.id === id)?.name ?? '';
  return h(
    Card,
    { title: tc('timeline'), hint: tc('timelineHint'), testid: 'contact-timeline' },
    first.status === 'error' || first.status === 'missing' ? h(ErrorNote, { text: first.error ?? '', onRetry: first.reload }) : null,
    !first.data && first.status === 'loading' ? h('div', { class: 'list-loading' }, h(Spinner, null)) : null,
    first.data && messages.length === 0 ? h('p', { class: 'muted cc-pad' }, tc('noMessages')) : null,
    h(
      'ol',
      { class: 'cc-timeline' },
      messages.map((m) => {
        const text = m.text ?? previewOf(m.content as MessageContent | null);
        return h(
          'li',
          { key: m.id, class: `cc-tl cc-tl-${m.direction} ${m.private ? 'cc-tl-note' : ''}`, 'data-testid': 'timeline-item', 'data-channel': m.channel, 'data-conversation': String(m.conversationId) },
          h('div', { class: 'cc-tl-meta' }, h(ChannelBadge, { channel: m.channel, withLabel: false }), h('span', { class: 'strong' }, senderLabel(m)), h('span', { class: 'muted' }, `${inboxName(m.inboxId)} · ${dateTime(m.sentAt)}`)),
          h('div', { class: 'cc-tl-text pre' }, text),
          h(
            'a',
            { class: 'cc-tl-conv', href: `#/inbox/all/${m.conversationId}`, title: tc('openConversation', { id: m.conversationId }), 'data-testid': 'timeline-conv' },
            tc('convRef', { id: m.conversationId }),
          ),
        );
      }),
    ),
    next !== null ? h('div', { class: 'cc-more' }, h(Button, { small: true, disabled: more, onClick: () => void loadMore(), testid: 'timeline-more' }, tc('loadMore'))) : null,
  );
}

function Conversations(props: { record: ContactRecord }): JSX.Element {
  const convs = props.record.conversations;
  return h(
    Card,
    { title: [tc('conversations'), h('span', { key: 'n', class: 'badge cc-badge cc-badge-muted' }, String(convs.length))], testid: 'contact-conversations' },
    convs.length === 0
      ? h('p', { class: 'muted cc-pad' }, tc('noConversations'))
      : h(
          'ul',
          { class: 'history cc-convs' },
          convs.map((c) =>
            h(
              'li',
              { key: c.id },
              h(
                'button',
                { type: 'button', class: 'history-item', onClick: () => openConversation(c.id, 'all'), title: tc('openConversation', { id: c.id }), 'data-testid': 'contact-conversation', 'data-id': String(c.id), 'data-channel': c.channel },
                h(ChannelBadge, { channel: c.channel, withLabel: false }),
                h(
                  'span',
                  { class: 'history-main' },
                  h('span', null, h('strong', null, `#${c.id}`), ` · ${c.inboxName || channelLabel(c.channel)}`),
                  h('span', { class: 'muted clamp-1' }, c.lastMessageText ?? ''),
                ),
                h('span', { class: 'muted small nowrap', title: dateTime(c.lastMessageAt ?? c.createdAt) }, relativeTime(c.lastMessageAt ?? c.createdAt)),
                h(StatusChip, { status: c.status }),
              ),
            ),
          ),
        ),
  );
}

function Identities(props: { record: ContactRecord }): JSX.Element {
  return h(
    Card,
    { title: tc('identities'), testid: 'contact-identities' },
    h(
      'ul',
      { class: 'cc-identities' },
      props.record.identities.map((i) =>
        h(
          'li',
          { key: i.id, class: 'cc-identity', 'data-testid': 'identity', 'data-channel': i.channel },
          h(ChannelBadge, { channel: i.channel }),
          h('div', { class: 'cc-identity-main' }, h('span', null, i.inboxName ?? `${tc('account')} ${i.accountId}`), h('code', { title: i.externalId }, i.externalId)),
          i.channel === 'zalo' && i.follower !== null
            ? h('span', { class: `chip ${i.follower ? 'chip-resolved' : 'chip-muted'}`, 'data-testid': 'identity-follower' }, i.follower ? tc('follower') : tc('notFollower'))
            : null,
        ),
      ),
    ),
  );
}

function MergeHistory(props: { record: ContactRecord; onChange: () => void }): JSX.Element {
  const [busy, setBusy] = useState<number | null>(null);
  const undo = async (id: number, name: string) => {
    setBusy(id);
    try {
      await contactsApi.undoMerge(id);
      showToast('info', tc('undoDone', { name }));
      props.onChange();
    } catch (err) {
      showToast('error', errorText(err));
    } finally {
      setBusy(null);
    }
  };
  const merges = props.record.merges;
  return h(
    Card,
    { title: tc('mergeHistory'), testid: 'merge-history' },
    merges.length === 0
      ? h('p', { class: 'muted cc-pad' }, tc('noMerges'))
      : h(
          'ul',
          { class: 'cc-merges' },
          merges.map((m) => {
            const name = m.mergedName?.trim() || tc('guest', { id: m.mergedId });
            return h(
              'li',
              { key: m.id, class: `cc-merge ${m.undoneAt ? 'is-undone' : ''}`, 'data-testid': 'merge-entry' },
              h(Icon, { name: 'users' }),
              h(
                'div',
                { class: 'cc-merge-main' },
                m.mergedId === props.record.contact.id ? h('a', { href: `#/contacts/${m.survivorId}` }, tc('openSurvivor')) : h('a', { href: `#/contacts/${m.mergedId}` }, name),
                h('span', { class: 'muted small' }, `${m.reason === 'auto' ? tc('mergeAuto') : tc('mergeAgent')} · ${dateTime(m.createdAt)}`),
                m.undoneAt ? h('span', { class: 'muted small' }, tc('undone', { when: dateTime(m.undoneAt) })) : null,
              ),
              !m.undoneAt
                ? h(Button, { small: true, icon: 'reopen', disabled: busy !== null, onClick: () => void undo(m.id, name), testid: 'merge-undo' }, tc('undo'))
                : null,
            );
          }),
        ),
  );
}

function SuggestionsFor(props: { id: number; version: number; onMerged: () => void; c: Contact }): JSX.Element | null {
  const list = useLoad(() => contactsApi.suggestionsFor(props.id), [props.id, props.version]);
  const [busy, setBusy] = useState(false);
  const items = list.data?.suggestions ?? [];
  if (items.length === 0) return null;
  const merge = async (other: Contact) => {
    setBusy(true);
    try {
      await contactsApi.merge(props.id, other.id);
      showToast('info', tc('merged', { other: contactLabel(other), name: contactLabel(props.c) }));
      props.onMerged();
    } catch (err) {
      showToast('error', errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return h(
    Card,
    { title: tc('suggestionsFor'), testid: 'contact-suggestions', class: 'cc-card-accent' },
    h(
      'ul',
      { class: 'cc-pairs' },
      items.map((s) =>
        h(
          'li',
          { key: s.contact.id, class: 'cc-pair', 'data-testid': 'contact-suggestion' },
          h('div', { class: 'cc-pair-side' }, h(ContactCell, { c: s.contact }), h(ChannelBadges, { channels: s.contact.channels })),
          h('span', { class: 'cc-reasons' }, s.reasons.map((r) => h('span', { key: r, class: 'chip chip-open' }, r === 'phone' ? tc('reasonPhone') : tc('reasonEmail')))),
          h(Button, { variant: 'primary', small: true, disabled: busy, title: tc('mergeInto', { other: contactLabel(s.contact), name: contactLabel(props.c) }), onClick: () => void merge(s.contact), testid: 'contact-merge' }, tc('merge')),
        ),
      ),
    ),
  );
}

export function ContactPage(props: { id: number }): JSX.Element {
  const [version, setVersion] = useState(0);
  const rec = useLoad(() => contactsApi.get(props.id), [props.id, version]);
  const bump = () => setVersion((v) => v + 1);
  const back = h('a', { class: 'cc-back', href: '#/contacts', 'data-testid': 'contacts-back' }, h(Icon, { name: 'arrowLeft' }), h('span', null, tc('backToContacts')));
  if (!rec.data) {
    return h(
      'div',
      { class: 'cc-page' },
      back,
      rec.status === 'loading' ? h('div', { class: 'list-loading' }, h(Spinner, null)) : rec.status === 'error' && /not found|404/i.test(rec.error ?? '') ? h(Empty, { icon: 'user', title: tc('contactNotFound') }) : h(ErrorNote, { text: rec.error ?? '', onRetry: rec.reload }),
    );
  }
  const r = rec.data;
  const c = r.contact;
  const name = contactLabel(c);
  return h(
    'div',
    { class: 'cc-page', 'data-testid': 'contact-page', 'data-id': String(c.id) },
    back,
    h(
      'div',
      { class: 'cc-hero' },
      h(Avatar, { name, seed: c.id, url: c.avatarUrl, size: 'lg', anonymous: !c.name?.trim() }),
      h(
        'div',
        { class: 'cc-hero-main' },
        h('h1', { 'data-testid': 'contact-name' }, name),
        h(
          'div',
          { class: 'cc-hero-sub' },
          h(ChannelBadges, { channels: c.channels }),
          c.phoneE164 ? h('span', { 'data-testid': 'contact-e164' }, h(Icon, { name: 'phone', size: 13 }), ' ', c.phoneE164) : null,
          c.email ? h('span', null, h(Icon, { name: 'mail', size: 13 }), ' ', c.email) : null,
          h(LabelChips, { labels: c.labels }),
        ),
      ),
    ),
    c.mergedIntoId
      ? h('div', { class: 'readonly-note cc-merged-note', role: 'status', 'data-testid': 'merged-notice' }, tc('mergedNotice'), ' ', h('a', { href: `#/contacts/${c.mergedIntoId}` }, tc('openSurvivor')))
      : null,
    h(
      'div',
      { class: 'cc-grid' },
      h(
        'div',
        { class: 'cc-col' },
        h(SuggestionsFor, { id: c.id, version, onMerged: bump, c }),
        h(Card, { title: tc('profile'), testid: 'contact-profile' }, h(ProfileForm, { key: JSON.stringify(c), c, onSaved: (nc) => rec.set({ ...r, contact: nc }) })),
        h(Identities, { record: r }),
        h(MergeHistory, { record: r, onChange: bump }),
      ),
      h('div', { class: 'cc-col' }, h(Conversations, { record: r }), h(Timeline, { id: c.id, record: r })),
    ),
  );
}
