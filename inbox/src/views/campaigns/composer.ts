/**
 * The campaign composer: name, segment, inboxes, text, optional image and up to three quick
 * replies, now or at a date and time in Vietnam time. "Save draft and preview" stores the
 * draft and asks `GET /campaigns/:id/preview`: per channel, how many contacts can be reached
 * now, how many later (and from when), how many cannot and why — before anything is sent.
 */
import { h, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import { errorText, navigate } from '../../actions';
import { showToast } from '../../notify';
import { getState } from '../../store';
import { Button, ChannelBadge, ErrorNote, Field, Icon, Spinner } from '../../ui';
import { Card, Stat, useLoad } from '../contacts/common';
import { campaignsApi, isoToVnWall, sumOf, vnDateTime, vnWallToIso, type Campaign, type CampaignContent, type CampaignPreview } from '../contacts/model';
import { reasonGroups, tc } from '../contacts/strings';
import { filterSummary } from './segments';

const DAY = 86_400_000;

/** The next 06:00 in Vietnam after `now`: the earliest a Zalo promotion held back ("later") can go. */
export function nextZaloMorning(now: number): string {
  const wall = isoToVnWall(now);
  let iso = vnWallToIso(wall.date, '06:00')!;
  if (Date.parse(iso) <= now) iso = vnWallToIso(isoToVnWall(now + DAY).date, '06:00')!;
  return iso;
}

export function PreviewTable(props: { preview: CampaignPreview; now: number }): JSX.Element {
  const p = props.preview;
  const channels = Object.keys(p.channels).sort();
  const totals = channels.reduce((acc, c) => ({ reachable: acc.reachable + p.channels[c]!.reachable, later: acc.later + p.channels[c]!.later, skipped: acc.skipped + sumOf(p.channels[c]!.skipped) }), { reachable: 0, later: 0, skipped: 0 });
  const laterWhen = vnDateTime(nextZaloMorning(props.now));
  return h(
    'div',
    { class: 'cc-preview', 'data-testid': 'campaign-preview' },
    h(
      'div',
      { class: 'cc-stats' },
      p.contacts !== undefined ? h(Stat, { label: tc('rContacts'), value: String(p.contacts), testid: 'preview-contacts' }) : null,
      h(Stat, { label: tc('rRecipients'), value: String(p.total), testid: 'preview-total' }),
      h(Stat, { label: tc('colReachable'), value: String(totals.reachable), tone: 'ok', testid: 'preview-reachable' }),
      h(Stat, { label: tc('colLater'), value: String(totals.later), tone: 'warn', testid: 'preview-later' }),
      h(Stat, { label: tc('colSkipped'), value: String(totals.skipped), tone: 'bad', testid: 'preview-skipped' }),
    ),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'table cc-table-compact' },
        h('thead', null, h('tr', null, h('th', null, tc('colChannel')), h('th', { class: 'num' }, tc('colReachable')), h('th', { class: 'num' }, tc('colLater')), h('th', { class: 'num' }, tc('colSkipped')), h('th', null, tc('colWhy')))),
        h(
          'tbody',
          null,
          channels.map((c) => {
            const row = p.channels[c]!;
            const reasons = reasonGroups(row.skipped);
            return h(
              'tr',
              { key: c, 'data-testid': 'preview-row', 'data-channel': c },
              h('td', null, h(ChannelBadge, { channel: c })),
              h('td', { class: 'num strong cc-ok', 'data-testid': 'preview-reachable-cell', 'data-n': String(row.reachable) }, String(row.reachable)),
              h('td', { class: 'num', 'data-testid': 'preview-later-cell', 'data-n': String(row.later) }, String(row.later), row.later > 0 ? h('div', { class: 'muted small' }, tc('laterFrom', { when: laterWhen })) : null),
              h('td', { class: 'num', 'data-testid': 'preview-skipped-cell', 'data-n': String(sumOf(row.skipped)) }, String(sumOf(row.skipped))),
              h(
                'td',
                null,
                reasons.length
                  ? h('ul', { class: 'cc-reason-list' }, reasons.map((g) => h('li', { key: g.text, 'data-testid': 'preview-reason', title: g.codes.join('\n') }, h('span', { class: 'cc-reason-n' }, String(g.n)), ' ', g.text)))
                  : h('span', { class: 'muted' }, '—'),
              ),
            );
          }),
        ),
      ),
    ),
    totals.later > 0 ? h('p', { class: 'muted small cc-note' }, h(Icon, { name: 'clock', size: 13 }), ' ', tc('laterWhen')) : null,
  );
}

interface Draft {
  name: string;
  segmentId: string;
  inboxIds: number[];
  text: string;
  imageUrl: string;
  quickReplies: string[];
}

function draftOf(c: Campaign | null): Draft {
  return {
    name: c?.name ?? '',
    segmentId: c?.segmentId ? String(c.segmentId) : '',
    inboxIds: c?.inboxIds ?? (getState().inboxes ?? []).map((i) => i.id),
    text: c?.content.text ?? '',
    imageUrl: c?.content.imageUrl ?? '',
    quickReplies: [0, 1, 2].map((i) => c?.content.quickReplies?.[i] ?? ''),
  };
}

export function Composer(props: { campaign: Campaign | null }): JSX.Element {
  const [campaign, setCampaign] = useState<Campaign | null>(props.campaign);
  const [d, setD] = useState<Draft>(() => draftOf(props.campaign));
  const [savedKey, setSavedKey] = useState<string | null>(props.campaign ? JSON.stringify(draftOf(props.campaign)) : null);
  const [mode, setMode] = useState<'now' | 'schedule'>('now');
  const tomorrow = isoToVnWall(Date.now() + DAY);
  const [date, setDate] = useState(tomorrow.date);
  const [time, setTime] = useState('09:00');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [previewVersion, setPreviewVersion] = useState(0);
  const segments = useLoad(() => campaignsApi.segments(), []);
  const preview = useLoad(() => (campaign ? campaignsApi.preview(campaign.id) : Promise.resolve(null)), [campaign?.id, previewVersion]);
  const inboxes = getState().inboxes ?? [];
  const set = (patch: Partial<Draft>) => setD({ ...d, ...patch });
  const dirty = savedKey !== JSON.stringify(d);

  const validate = (): string | null => {
    if (!d.name.trim()) return tc('needName');
    if (!d.text.trim()) return tc('needText');
    if (d.inboxIds.length === 0) return tc('needInbox');
    if (d.imageUrl.trim() && !/^https:\/\/\S+$/i.test(d.imageUrl.trim())) return tc('badImage');
    return null;
  };

  const save = async (e?: Event) => {
    e?.preventDefault();
    const invalid = validate();
    setError(invalid);
    if (invalid) return;
    setBusy(true);
    const content: CampaignContent = { text: d.text.trim() };
    if (d.imageUrl.trim()) content.imageUrl = d.imageUrl.trim();
    const qr = d.quickReplies.map((q) => q.trim()).filter(Boolean);
    if (qr.length) content.quickReplies = qr;
    const body = { name: d.name.trim(), inboxIds: d.inboxIds, content, ...(d.segmentId ? { segmentId: Number(d.segmentId) } : { filter: {} }) };
    try {
      const r = campaign ? await campaignsApi.update(campaign.id, body) : await campaignsApi.create(body);
      setCampaign(r.campaign);
      setSavedKey(JSON.stringify(d));
      setPreviewVersion((v) => v + 1);
      if (!campaign) history.replaceState(null, '', `#/campaigns/${r.campaign.id}`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const send = async () => {
    if (!campaign || dirty) return;
    let at: string | undefined;
    if (mode === 'schedule') {
      const iso = vnWallToIso(date, time);
      if (!iso || Date.parse(iso) <= Date.now()) return setError(tc('needSchedule'));
      at = iso;
    }
    setBusy(true);
    setError(null);
    try {
      await campaignsApi.send(campaign.id, at);
      showToast('info', at ? tc('scheduledOk') : tc('sendingStarted'));
      navigate({ view: 'campaigns', tab: 'campaigns', campaignId: campaign.id });
      // Same hash as the draft's (replaced above): the route does not change, so reload explicitly.
      window.dispatchEvent(new CustomEvent('omnigate:campaign-changed', { detail: campaign.id }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const segs = segments.data?.segments ?? [];
  const chosen = segs.find((s) => String(s.id) === d.segmentId);
  const scheduledIso = mode === 'schedule' ? vnWallToIso(date, time) : null;
  return h(
    'div',
    { class: 'cc-split cc-split-wide', 'data-testid': 'campaign-composer' },
    h(
      Card,
      { title: campaign ? campaign.name : tc('composer') },
      h(
        'form',
        { class: 'cc-form', onSubmit: save, 'aria-label': tc('composer') },
        h(Field, { label: tc('campaignName') }, h('input', { value: d.name, maxLength: 120, required: true, onInput: (e: Event) => set({ name: (e.target as HTMLInputElement).value }), 'data-testid': 'campaign-name' })),
        h(
          Field,
          { label: tc('campaignSegment'), hint: chosen ? filterSummary(chosen.filter) : undefined },
          h(
            'select',
            { value: d.segmentId, onChange: (e: Event) => set({ segmentId: (e.target as HTMLSelectElement).value }), 'data-testid': 'campaign-segment' },
            h('option', { value: '' }, tc('allContacts')),
            segs.map((s) => h('option', { key: s.id, value: String(s.id) }, `${s.name} (${s.contactCount})`)),
          ),
        ),
        h(
          'fieldset',
          { class: 'fieldset' },
          h('legend', null, tc('campaignInboxes')),
          h(
            'div',
            { class: 'cc-checks' },
            inboxes.map((i) =>
              h(
                'label',
                { key: i.id, class: 'cc-check' },
                h('input', {
                  type: 'checkbox',
                  checked: d.inboxIds.includes(i.id),
                  onChange: (e: Event) => set({ inboxIds: (e.target as HTMLInputElement).checked ? [...d.inboxIds.filter((x) => x !== i.id), i.id] : d.inboxIds.filter((x) => x !== i.id) }),
                  'data-testid': `campaign-inbox-${i.id}`,
                }),
                h(ChannelBadge, { channel: i.channel, withLabel: false }),
                i.name,
              ),
            ),
          ),
          h('p', { class: 'field-hint' }, tc('campaignInboxesHint')),
        ),
        h(Field, { label: tc('campaignText') }, h('textarea', { rows: 5, value: d.text, maxLength: 2000, required: true, onInput: (e: Event) => set({ text: (e.target as HTMLTextAreaElement).value }), 'data-testid': 'campaign-text' })),
        h(Field, { label: tc('campaignImage') }, h('input', { type: 'url', value: d.imageUrl, placeholder: 'https://', onInput: (e: Event) => set({ imageUrl: (e.target as HTMLInputElement).value }), 'data-testid': 'campaign-image' })),
        h(
          'fieldset',
          { class: 'fieldset' },
          h('legend', null, tc('quickReplies')),
          h(
            'div',
            { class: 'cc-qr' },
            d.quickReplies.map((q, i) =>
              h('input', {
                key: i,
                value: q,
                maxLength: 20,
                placeholder: tc('quickReplyN', { n: i + 1 }),
                'aria-label': tc('quickReplyN', { n: i + 1 }),
                onInput: (e: Event) => set({ quickReplies: d.quickReplies.map((x, j) => (j === i ? (e.target as HTMLInputElement).value : x)) }),
                'data-testid': `campaign-qr-${i}`,
              }),
            ),
          ),
        ),
        error ? h('div', { class: 'form-error', role: 'alert', 'data-testid': 'form-error' }, error) : null,
        h(
          'div',
          { class: 'cc-form-foot' },
          h('button', { type: 'submit', class: 'btn btn-primary', disabled: busy, 'data-testid': 'campaign-save' }, h(Icon, { name: 'refresh' }), h('span', null, tc('saveAndPreview'))),
        ),
      ),
    ),
    h(
      'div',
      { class: 'cc-col' },
      h(
        Card,
        { title: tc('previewTitle'), hint: tc('previewHint'), testid: 'campaign-preview-card' },
        !campaign
          ? h('p', { class: 'muted cc-pad' }, tc('saveAndPreview'))
          : preview.status === 'error' || preview.status === 'missing'
            ? h(ErrorNote, { text: preview.error ?? '', onRetry: preview.reload })
            : preview.data
              ? [dirty ? h('div', { key: 's', class: 'cc-stale', role: 'status' }, tc('previewStale')) : null, h(PreviewTable, { key: 'p', preview: preview.data, now: Date.now() })]
              : h('div', { class: 'list-loading' }, h(Spinner, null)),
      ),
      h(
        Card,
        { title: tc('whenToSend'), testid: 'campaign-send-card' },
        h(
          'div',
          { class: 'segmented', role: 'group', 'aria-label': tc('whenToSend') },
          (['now', 'schedule'] as const).map((m) =>
            h('button', { key: m, type: 'button', class: mode === m ? 'active' : '', 'aria-pressed': String(mode === m), onClick: () => setMode(m), 'data-testid': `send-mode-${m}` }, m === 'now' ? tc('sendNowOpt') : tc('scheduleOpt')),
          ),
        ),
        mode === 'schedule'
          ? h(
              'div',
              { class: 'cc-form-row cc-schedule' },
              h(Field, { label: tc('scheduleDate') }, h('input', { type: 'date', value: date, onInput: (e: Event) => setDate((e.target as HTMLInputElement).value), 'data-testid': 'schedule-date' })),
              h(Field, { label: tc('scheduleTime'), hint: tc('vnTimeNote') }, h('input', { type: 'time', value: time, onInput: (e: Event) => setTime((e.target as HTMLInputElement).value), 'data-testid': 'schedule-time' })),
            )
          : null,
        scheduledIso ? h('p', { class: 'muted small', 'data-testid': 'schedule-summary' }, tc('scheduledFor', { when: vnDateTime(scheduledIso) })) : null,
        h(
          'div',
          { class: 'cc-form-foot' },
          h(
            Button,
            { variant: 'primary', icon: mode === 'now' ? 'send' : 'clock', disabled: busy || !campaign || dirty || !preview.data, onClick: () => void send(), testid: 'campaign-send' },
            mode === 'now' ? tc('sendNow') : tc('schedule'),
          ),
        ),
      ),
    ),
  );
}
