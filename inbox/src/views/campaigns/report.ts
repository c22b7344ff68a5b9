/**
 * A campaign after sending (or scheduled): status and times, the content, the delivery
 * report (sent, delivered, failed with reasons, replied; skipped and waiting) overall and per
 * channel, and the recipients table. Refreshes itself while the campaign is scheduled or sending.
 */
import { h, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../actions';
import { dateTime } from '../../format';
import { showToast } from '../../notify';
import { getState } from '../../store';
import { Button, ChannelBadge, ErrorNote, Icon, Spinner } from '../../ui';
import { Card, Stat, useLoad } from '../contacts/common';
import { campaignsApi, sumOf, vnDateTime, type Campaign, type CampaignReport, type Recipient, type ReportFigures } from '../contacts/model';
import { campaignStatusText, reasonGroups, reasonText, recipientStatusText, tc } from '../contacts/strings';

export function CampaignStatusChip(props: { status: string }): JSX.Element {
  const tone = props.status === 'sent' ? 'chip-resolved' : props.status === 'sending' ? 'chip-open' : props.status === 'scheduled' ? 'chip-pending' : props.status === 'cancelled' ? 'chip-muted' : 'chip-snoozed';
  return h('span', { class: `chip ${tone}`, 'data-testid': 'campaign-status', 'data-status': props.status }, campaignStatusText(props.status));
}

function ReasonList(props: { title: string; map: Record<string, number>; testid: string }): JSX.Element | null {
  const groups = reasonGroups(props.map);
  if (groups.length === 0) return null;
  return h(
    'div',
    { class: 'cc-reasons-box', 'data-testid': props.testid },
    h('h3', null, props.title),
    h('ul', { class: 'cc-reason-list' }, groups.map((g) => h('li', { key: g.text, title: g.codes.join('\n') }, h('span', { class: 'cc-reason-n' }, String(g.n)), ' ', g.text))),
  );
}

function Figures(props: { r: ReportFigures }): JSX.Element {
  const r = props.r;
  return h(
    'div',
    { class: 'cc-stats cc-stats-report' },
    h(Stat, { label: tc('rTotal'), value: String(r.total), testid: 'r-total' }),
    h(Stat, { label: tc('rSent'), value: String(r.sent), tone: 'ok', testid: 'r-sent' }),
    h(Stat, { label: tc('rDelivered'), value: String(r.delivered), tone: 'ok', testid: 'r-delivered' }),
    h(Stat, { label: tc('rFailed'), value: String(sumOf(r.failed)), tone: sumOf(r.failed) ? 'bad' : 'muted', testid: 'r-failed' }),
    h(Stat, { label: tc('rReplied'), value: String(r.replied), testid: 'r-replied' }),
    h(Stat, { label: tc('rSkipped'), value: String(sumOf(r.skipped)), tone: 'muted', testid: 'r-skipped' }),
    h(Stat, { label: tc('rWaiting'), value: String(r.waiting), tone: r.waiting ? 'warn' : 'muted', testid: 'r-waiting' }),
    h(Stat, { label: tc('rQueued'), value: String(r.queued), tone: 'muted', testid: 'r-queued' }),
    r.unknown ? h(Stat, { label: tc('rUnknown'), value: String(r.unknown), tone: 'warn', testid: 'r-unknown' }) : null,
  );
}

function ByChannel(props: { report: CampaignReport }): JSX.Element {
  const rows = Object.entries(props.report.byChannel ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table cc-table-compact', 'data-testid': 'report-by-channel' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', null, tc('colChannel')),
          h('th', { class: 'num' }, tc('rTotal')),
          h('th', { class: 'num' }, tc('rSent')),
          h('th', { class: 'num' }, tc('rDelivered')),
          h('th', { class: 'num' }, tc('rFailed')),
          h('th', { class: 'num' }, tc('rReplied')),
          h('th', { class: 'num' }, tc('rSkipped')),
          h('th', { class: 'num' }, tc('rWaiting')),
          h('th', null, tc('colWhy')),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map(([c, r]) => {
          const why = [...reasonGroups(r.failed), ...reasonGroups(r.skipped)];
          return h(
            'tr',
            { key: c, 'data-testid': 'report-channel-row', 'data-channel': c },
            h('td', null, h(ChannelBadge, { channel: c })),
            h('td', { class: 'num' }, String(r.total)),
            h('td', { class: 'num' }, String(r.sent)),
            h('td', { class: 'num' }, String(r.delivered)),
            h('td', { class: 'num' }, String(sumOf(r.failed))),
            h('td', { class: 'num' }, String(r.replied)),
            h('td', { class: 'num' }, String(sumOf(r.skipped))),
            h('td', { class: 'num' }, String(r.waiting)),
            h('td', null, why.length ? h('ul', { class: 'cc-reason-list' }, why.map((g) => h('li', { key: g.text, title: g.codes.join('\n') }, h('span', { class: 'cc-reason-n' }, String(g.n)), ' ', g.text))) : h('span', { class: 'muted' }, '—')),
          );
        }),
      ),
    ),
  );
}

const RECIPIENT_STATUSES = ['waiting', 'queued', 'sent', 'delivered', 'failed', 'skipped', 'cancelled'];

function Recipients(props: { id: number; version: number }): JSX.Element {
  const [status, setStatus] = useState('');
  const [rows, setRows] = useState<Recipient[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const first = useLoad(() => campaignsApi.recipients(props.id, status, null), [props.id, status, props.version]);
  useEffect(() => {
    if (first.data) {
      setRows(first.data.recipients);
      setCursor(first.data.nextCursor);
    }
  }, [first.data]);
  const more = async () => {
    try {
      const r = await campaignsApi.recipients(props.id, status, cursor);
      setRows((xs) => [...xs, ...r.recipients]);
      setCursor(r.nextCursor);
    } catch (err) {
      showToast('error', errorText(err));
    }
  };
  const inboxName = (id: number) => getState().inboxes?.find((i) => i.id === id)?.name ?? `#${id}`;
  return h(
    Card,
    {
      title: tc('recipients'),
      testid: 'campaign-recipients',
      actions: h(
        'select',
        { value: status, 'aria-label': tc('colStatus'), onChange: (e: Event) => setStatus((e.target as HTMLSelectElement).value), 'data-testid': 'recipients-status' },
        h('option', { value: '' }, tc('allStatuses')),
        RECIPIENT_STATUSES.map((s) => h('option', { key: s, value: s }, recipientStatusText(s))),
      ),
    },
    first.status === 'error' || first.status === 'missing' ? h(ErrorNote, { text: first.error ?? '', onRetry: first.reload }) : null,
    !first.data && first.status === 'loading' ? h('div', { class: 'list-loading' }, h(Spinner, null)) : null,
    first.data && rows.length === 0 ? h('p', { class: 'muted cc-pad' }, tc('noRecipients')) : null,
    rows.length
      ? h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'table cc-table-compact', 'data-testid': 'recipients-table' },
            h(
              'thead',
              null,
              h('tr', null, h('th', null, tc('colRecipient')), h('th', null, tc('colChannel')), h('th', null, tc('colStatus')), h('th', null, tc('colWhy')), h('th', null, tc('colNotBefore')), h('th', null, tc('colSentAt')), h('th', null, tc('colRepliedAt'))),
            ),
            h(
              'tbody',
              null,
              rows.map((r, i) =>
                h(
                  'tr',
                  { key: `${r.contactId}-${r.inboxId}-${i}`, 'data-testid': 'recipient-row', 'data-status': r.status, 'data-channel': r.channel },
                  h('td', null, h('a', { href: `#/contacts/${r.contactId}`, class: 'strong' }, r.contactName?.trim() || tc('guest', { id: r.contactId }))),
                  h('td', null, h('span', { class: 'cc-inline' }, h(ChannelBadge, { channel: r.channel, withLabel: false }), h('span', { class: 'muted small' }, inboxName(r.inboxId)))),
                  h('td', null, h('span', { class: `chip cc-rs cc-rs-${r.status}` }, recipientStatusText(r.status)), r.repliedAt ? h('span', { class: 'chip chip-resolved cc-ml' }, tc('rsReplied')) : null),
                  h('td', { class: 'small' }, r.reason ? reasonText(r.reason) : h('span', { class: 'muted' }, '—')),
                  h('td', { class: 'nowrap small' }, r.notBefore ? vnDateTime(r.notBefore) : ''),
                  h('td', { class: 'nowrap small' }, r.sentAt ? vnDateTime(r.sentAt) : ''),
                  h('td', { class: 'nowrap small' }, r.repliedAt ? vnDateTime(r.repliedAt) : ''),
                ),
              ),
            ),
          ),
        )
      : null,
    cursor ? h('div', { class: 'cc-more' }, h(Button, { small: true, onClick: () => void more() }, tc('loadMore'))) : null,
  );
}

export function CampaignReportView(props: { campaign: Campaign; report: CampaignReport | null; reload: () => void; version: number }): JSX.Element {
  const c = props.campaign;
  const r = props.report;
  const live = c.status === 'scheduled' || c.status === 'sending';
  useEffect(() => {
    if (!live) return;
    const timer = window.setInterval(props.reload, 3000);
    return () => window.clearInterval(timer);
  }, [live, c.id]);
  const cancel = async () => {
    try {
      await campaignsApi.cancel(c.id);
      showToast('info', tc('cancelled'));
      props.reload();
    } catch (err) {
      showToast('error', errorText(err));
    }
  };
  const inboxes = getState().inboxes ?? [];
  return h(
    'div',
    { class: 'cc-report', 'data-testid': 'campaign-report', 'data-status': c.status },
    h(
      'div',
      { class: 'cc-report-head' },
      h('div', null, h('h2', { class: 'cc-title' }, c.name), h('div', { class: 'cc-hero-sub' }, h(CampaignStatusChip, { status: c.status }), timesLine(c))),
      h(
        'div',
        { class: 'admin-actions' },
        h(Button, { variant: 'ghost', icon: 'refresh', onClick: props.reload, testid: 'report-refresh' }, tc('refresh')),
        live || c.status === 'draft' ? h(Button, { variant: 'danger', icon: 'x', onClick: () => void cancel(), testid: 'campaign-cancel' }, tc('cancelCampaign')) : null,
      ),
    ),
    h(
      Card,
      { title: tc('reportTitle'), testid: 'report-figures' },
      r ? [h(Figures, { key: 'f', r }), h(ByChannel, { key: 'c', report: r })] : h('div', { class: 'list-loading' }, h(Spinner, null)),
      r ? h('div', { class: 'cc-reasons-row' }, h(ReasonList, { title: tc('failedReasons'), map: r.failed, testid: 'report-failed-reasons' }), h(ReasonList, { title: tc('skippedReasons'), map: r.skipped, testid: 'report-skipped-reasons' })) : null,
    ),
    h(
      Card,
      { title: tc('content'), class: 'cc-content-card' },
      h('div', { class: 'cc-bubble pre', 'data-testid': 'campaign-content' }, c.content.text),
      c.content.imageUrl ? h('div', { class: 'muted small cc-clip' }, h(Icon, { name: 'image', size: 13 }), ' ', c.content.imageUrl) : null,
      c.content.quickReplies?.length ? h('div', { class: 'quick-replies' }, c.content.quickReplies.map((q) => h('span', { key: q, class: 'quick-reply' }, q))) : null,
      h(
        'div',
        { class: 'cc-checks cc-mt' },
        c.inboxIds.map((id) => {
          const i = inboxes.find((x) => x.id === id);
          return h('span', { key: id, class: 'cc-inline small' }, i ? h(ChannelBadge, { channel: i.channel, withLabel: false }) : null, i?.name ?? `#${id}`);
        }),
      ),
    ),
    h(Recipients, { id: c.id, version: props.version }),
  );
}

function timesLine(c: Campaign): JSX.Element {
  const parts: string[] = [];
  if (c.scheduledAt && c.status === 'scheduled') parts.push(tc('scheduledFor', { when: vnDateTime(c.scheduledAt) }));
  if (c.startedAt) parts.push(tc('startedOn', { when: vnDateTime(c.startedAt) }));
  if (c.finishedAt) parts.push(tc('finishedOn', { when: vnDateTime(c.finishedAt) }));
  if (parts.length === 0) parts.push(tc('createdOn', { when: dateTime(c.createdAt) }));
  return h('span', { class: 'muted', 'data-testid': 'campaign-times' }, parts.join(' · '));
}
