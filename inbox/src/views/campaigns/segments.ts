/**
 * Segments (supervisors, admins): the list, and the builder — labels, channels, inboxes, last
 * activity, Zalo follower status, custom attribute conditions — with a live count and a
 * preview of the first matching contacts (`POST /segments/preview`).
 */
import { h, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../../actions';
import { channelLabel, dateTime } from '../../format';
import { showToast } from '../../notify';
import { t } from '../../i18n';
import { getState } from '../../store';
import { Button, Empty, ErrorNote, Field, Spinner } from '../../ui';
import { DeleteButton } from '../admin/common';
import { Card, ChannelBadges, ContactCell, LabelChips, useDebounced, useLoad } from '../contacts/common';
import { campaignsApi, CHANNEL_IDS, splitLabels, type AttributeCondition, type ChannelId, type Segment, type SegmentFilter } from '../contacts/model';
import { tc } from '../contacts/strings';

/** The filter without empty parts (what is sent to the server). */
export function cleanFilter(f: SegmentFilter): SegmentFilter {
  const out: SegmentFilter = {};
  if (f.labels?.length) out.labels = f.labels;
  if (f.channels?.length) out.channels = f.channels;
  if (f.inboxIds?.length) out.inboxIds = f.inboxIds;
  const la = f.lastActivity ?? {};
  const within = Number.isFinite(la.withinDays) && la.withinDays! > 0 ? la.withinDays : undefined;
  const older = Number.isFinite(la.olderThanDays) && la.olderThanDays! > 0 ? la.olderThanDays : undefined;
  if (within !== undefined || older !== undefined) out.lastActivity = { ...(within !== undefined ? { withinDays: within } : {}), ...(older !== undefined ? { olderThanDays: older } : {}) };
  if (typeof f.zaloFollower === 'boolean') out.zaloFollower = f.zaloFollower;
  const attrs = (f.attributes ?? []).filter((a) => a.key.trim()).map((a) => (a.op === 'exists' ? { key: a.key.trim(), op: a.op } : { key: a.key.trim(), op: a.op, value: a.value ?? '' }));
  if (attrs.length) out.attributes = attrs;
  return out;
}

/** A one-line summary of a filter: "Nhãn: vip · Zalo · quan tâm OA". */
export function filterSummary(f: SegmentFilter | null | undefined): string {
  if (!f) return tc('allContacts');
  const parts: string[] = [];
  if (f.labels?.length) parts.push(`${tc('labels')}: ${f.labels.join(', ')}`);
  if (f.channels?.length) parts.push(f.channels.map(channelLabel).join('/'));
  if (f.inboxIds?.length) parts.push(f.inboxIds.map((id) => getState().inboxes?.find((i) => i.id === id)?.name ?? `#${id}`).join(', '));
  if (f.lastActivity?.withinDays) parts.push(`≤ ${f.lastActivity.withinDays} ${tc('days')}`);
  if (f.lastActivity?.olderThanDays) parts.push(`> ${f.lastActivity.olderThanDays} ${tc('days')}`);
  if (typeof f.zaloFollower === 'boolean') parts.push(f.zaloFollower ? tc('segFollowerYes') : tc('segFollowerNo'));
  for (const a of f.attributes ?? []) parts.push(`${a.key} ${a.op === 'eq' ? '=' : a.op === 'neq' ? '≠' : '✓'}${a.op === 'exists' ? '' : ` ${String(a.value ?? '')}`}`);
  return parts.length ? parts.join(' · ') : tc('allContacts');
}

const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Math.max(0, Math.floor(Number(v))) || undefined);

function FilterEditor(props: { f: SegmentFilter; set: (f: SegmentFilter) => void }): JSX.Element {
  const { f, set } = props;
  const [labelText, setLabelText] = useState((f.labels ?? []).join(', '));
  const inboxes = getState().inboxes ?? [];
  const toggle = <T,>(list: T[] | undefined, v: T, on: boolean): T[] => (on ? [...(list ?? []).filter((x) => x !== v), v] : (list ?? []).filter((x) => x !== v));
  const attrs = f.attributes ?? [];
  const setAttr = (i: number, patch: Partial<AttributeCondition>) => set({ ...f, attributes: attrs.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
  return h(
    'div',
    { class: 'cc-filter-editor', role: 'group', 'aria-label': tc('segmentBuilder') },
    h(
      Field,
      { label: tc('segLabels'), hint: tc('labelsHint') },
      h('input', {
        value: labelText,
        onInput: (e: Event) => {
          const v = (e.target as HTMLInputElement).value;
          setLabelText(v);
          set({ ...f, labels: splitLabels(v) });
        },
        'data-testid': 'seg-labels',
      }),
    ),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', null, tc('segChannels')),
      h(
        'div',
        { class: 'cc-checks' },
        CHANNEL_IDS.map((c) =>
          h(
            'label',
            { key: c, class: 'cc-check' },
            h('input', { type: 'checkbox', checked: f.channels?.includes(c) ?? false, onChange: (e: Event) => set({ ...f, channels: toggle<ChannelId>(f.channels, c, (e.target as HTMLInputElement).checked) }), 'data-testid': `seg-channel-${c}` }),
            channelLabel(c),
          ),
        ),
      ),
    ),
    inboxes.length
      ? h(
          'fieldset',
          { class: 'fieldset' },
          h('legend', null, tc('segInboxes')),
          h(
            'div',
            { class: 'cc-checks' },
            inboxes.map((i) =>
              h(
                'label',
                { key: i.id, class: 'cc-check' },
                h('input', { type: 'checkbox', checked: f.inboxIds?.includes(i.id) ?? false, onChange: (e: Event) => set({ ...f, inboxIds: toggle(f.inboxIds, i.id, (e.target as HTMLInputElement).checked) }), 'data-testid': `seg-inbox-${i.id}` }),
                i.name,
              ),
            ),
          ),
        )
      : null,
    h(
      'fieldset',
      { class: 'fieldset cc-form-row cc-fieldset-row' },
      h('legend', null, tc('segActivity')),
      h(Field, { label: tc('segWithin') }, h('input', { type: 'number', min: 1, value: f.lastActivity?.withinDays ?? '', onInput: (e: Event) => set({ ...f, lastActivity: { ...f.lastActivity, withinDays: num((e.target as HTMLInputElement).value) } }), 'data-testid': 'seg-within' })),
      h(Field, { label: tc('segOlder') }, h('input', { type: 'number', min: 1, value: f.lastActivity?.olderThanDays ?? '', onInput: (e: Event) => set({ ...f, lastActivity: { ...f.lastActivity, olderThanDays: num((e.target as HTMLInputElement).value) } }), 'data-testid': 'seg-older' })),
    ),
    h(
      'div',
      { class: 'cc-form-row' },
      h(
        Field,
        { label: tc('segFollower') },
        h(
          'select',
          {
            value: f.zaloFollower === undefined ? '' : String(f.zaloFollower),
            onChange: (e: Event) => {
              const v = (e.target as HTMLSelectElement).value;
              set({ ...f, zaloFollower: v === '' ? undefined : v === 'true' });
            },
            'data-testid': 'seg-follower',
          },
          h('option', { value: '' }, tc('segFollowerAny')),
          h('option', { value: 'true' }, tc('segFollowerYes')),
          h('option', { value: 'false' }, tc('segFollowerNo')),
        ),
      ),
    ),
    h(
      'fieldset',
      { class: 'fieldset cc-attrs' },
      h('legend', null, tc('segAttributes')),
      attrs.map((a, i) =>
        h(
          'div',
          { key: i, class: 'cc-attr cc-attr-3', 'data-testid': 'seg-attr' },
          h('input', { value: a.key, placeholder: tc('attrKey'), 'aria-label': tc('attrKey'), onInput: (e: Event) => setAttr(i, { key: (e.target as HTMLInputElement).value }), 'data-testid': 'seg-attr-key' }),
          h(
            'select',
            { value: a.op, 'aria-label': tc('segAttributes'), onChange: (e: Event) => setAttr(i, { op: (e.target as HTMLSelectElement).value as AttributeCondition['op'] }), 'data-testid': 'seg-attr-op' },
            h('option', { value: 'eq' }, tc('opEq')),
            h('option', { value: 'neq' }, tc('opNeq')),
            h('option', { value: 'exists' }, tc('opExists')),
          ),
          h('input', { value: a.op === 'exists' ? '' : String(a.value ?? ''), disabled: a.op === 'exists', placeholder: tc('attrValue'), 'aria-label': tc('attrValue'), onInput: (e: Event) => setAttr(i, { value: (e.target as HTMLInputElement).value }), 'data-testid': 'seg-attr-value' }),
          h(Button, { variant: 'ghost', small: true, icon: 'trash', title: tc('removeAttribute', { key: a.key }), onClick: () => set({ ...f, attributes: attrs.filter((_, j) => j !== i) }) }),
        ),
      ),
      h(Button, { small: true, variant: 'ghost', icon: 'plus', onClick: () => set({ ...f, attributes: [...attrs, { key: '', op: 'eq', value: '' }] }), testid: 'seg-attr-add' }, tc('addCondition')),
    ),
  );
}

/** The live count and the first contacts of a filter. */
export function LivePreview(props: { filter: SegmentFilter }): JSX.Element {
  const key = JSON.stringify(cleanFilter(props.filter));
  const debounced = useDebounced(key, 300);
  const preview = useLoad(() => campaignsApi.previewSegment(JSON.parse(debounced) as SegmentFilter), [debounced]);
  const shown = (preview.data?.contacts ?? []).slice(0, 8);
  const total = preview.data?.total ?? 0;
  return h(
    Card,
    { title: tc('livePreview'), testid: 'segment-preview', class: 'cc-preview-card' },
    h(
      'div',
      { class: 'cc-live-count', 'aria-live': 'polite' },
      preview.data ? h('span', { 'data-testid': 'segment-count', 'data-count': String(total), 'data-stale': String(debounced !== key || preview.status === 'loading') }, tc('liveCount', { n: total })) : null,
      preview.status === 'loading' ? h(Spinner, null) : null,
    ),
    preview.status === 'error' || preview.status === 'missing' ? h(ErrorNote, { text: preview.error ?? '', onRetry: preview.reload }) : null,
    shown.length
      ? h(
          'ul',
          { class: 'cc-mini-list' },
          shown.map((c) => h('li', { key: c.id, 'data-testid': 'segment-preview-contact' }, h(ContactCell, { c }), h(ChannelBadges, { channels: c.channels }), h(LabelChips, { labels: c.labels.slice(0, 3) }))),
        )
      : null,
    total > shown.length && shown.length > 0 ? h('p', { class: 'muted small' }, tc('andMore', { n: total - shown.length })) : null,
  );
}

export function SegmentBuilder(props: { segment: Segment | null; onDone: () => void; onCancel: () => void }): JSX.Element {
  const [name, setName] = useState(props.segment?.name ?? '');
  const [filter, setFilter] = useState<SegmentFilter>(props.segment?.filter ?? {});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (props.segment) await campaignsApi.updateSegment(props.segment.id, name.trim(), cleanFilter(filter));
      else await campaignsApi.createSegment(name.trim(), cleanFilter(filter));
      showToast('info', tc('segmentSaved'));
      props.onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return h(
    'div',
    { class: 'cc-split', 'data-testid': 'segment-builder' },
    h(
      Card,
      { title: props.segment ? props.segment.name : tc('newSegment') },
      h(
        'form',
        { class: 'cc-form', onSubmit: submit },
        h(Field, { label: tc('segmentName') }, h('input', { value: name, required: true, maxLength: 120, onInput: (e: Event) => setName((e.target as HTMLInputElement).value), 'data-testid': 'segment-name' })),
        h('div', { class: 'field-label' }, tc('segmentBuilder')),
        h(FilterEditor, { f: filter, set: setFilter }),
        error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'form-error' }, error) : null,
        h(
          'div',
          { class: 'cc-form-foot' },
          h(Button, { variant: 'ghost', onClick: props.onCancel }, t('cancel')),
          h('button', { type: 'submit', class: 'btn btn-primary', disabled: busy, 'data-testid': 'segment-save' }, h('span', null, tc('saveSegment'))),
        ),
      ),
    ),
    h(LivePreview, { filter }),
  );
}

export function SegmentsTab(_props: object): JSX.Element {
  const list = useLoad(() => campaignsApi.segments(), []);
  const [editing, setEditing] = useState<Segment | 'new' | null>(null);
  if (editing) {
    return h(SegmentBuilder, {
      segment: editing === 'new' ? null : editing,
      onDone: () => {
        setEditing(null);
        list.reload();
      },
      onCancel: () => setEditing(null),
    });
  }
  const segs = list.data?.segments ?? [];
  return h(
    'div',
    null,
    h('div', { class: 'cc-toolbar' }, h('span', { class: 'spacer' }), h(Button, { variant: 'primary', icon: 'plus', onClick: () => setEditing('new'), testid: 'new-segment' }, tc('newSegment'))),
    list.status === 'error' || list.status === 'missing'
      ? h(ErrorNote, { text: list.error ?? '', onRetry: list.reload })
      : !list.data
        ? h('div', { class: 'list-loading' }, h(Spinner, null))
        : segs.length === 0
          ? h(Empty, { icon: 'users', title: tc('noSegments') })
          : h(
              'table',
              { class: 'table', 'data-testid': 'segments-table' },
              h('thead', null, h('tr', null, h('th', null, tc('segmentName')), h('th', null, tc('segmentBuilder')), h('th', { class: 'num' }, tc('colContacts')), h('th', null, tc('colUpdated')), h('th', { class: 'actions' }))),
              h(
                'tbody',
                null,
                segs.map((s) =>
                  h(
                    'tr',
                    { key: s.id, 'data-testid': 'segment-row' },
                    h('td', { class: 'strong' }, s.name),
                    h('td', { class: 'muted' }, filterSummary(s.filter)),
                    h('td', { class: 'num' }, String(s.contactCount)),
                    h('td', { class: 'muted nowrap' }, dateTime(s.updatedAt)),
                    h(
                      'td',
                      { class: 'actions' },
                      h(Button, { variant: 'ghost', small: true, icon: 'edit', title: tc('segmentBuilder'), onClick: () => setEditing(s) }),
                      h(DeleteButton, { name: s.name, onDelete: () => campaignsApi.deleteSegment(s.id).then(list.reload, (err: unknown) => showToast('error', errorText(err))), testid: 'segment-delete' }),
                    ),
                  ),
                ),
              ),
            ),
  );
}
