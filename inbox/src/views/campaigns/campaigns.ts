/**
 * The campaigns screen (`#/campaigns`, supervisors and admins; the API answers agents 403):
 * the campaign list with status, the segments tab (`#/campaigns/segments`), the composer
 * (`#/campaigns/new`, and a draft's `#/campaigns/:id`) and a sent or scheduled campaign's
 * report (`#/campaigns/:id`).
 */
import { h, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { navigate } from '../../actions';
import { dateTime } from '../../format';
import { getState, type CampaignsTab } from '../../store';
import { Button, Empty, ErrorNote, Icon, Spinner } from '../../ui';
import { useLoad } from '../contacts/common';
import { campaignsApi, isSupervisor, vnDateTime } from '../contacts/model';
import { tc } from '../contacts/strings';
import { Composer } from './composer';
import { CampaignReportView, CampaignStatusChip } from './report';
import { filterSummary, SegmentsTab } from './segments';

function CampaignList(_props: object): JSX.Element {
  const list = useLoad(() => campaignsApi.list(), []);
  const segments = useLoad(() => campaignsApi.segments(), []);
  const segName = (id: number | null) => (id === null ? null : (segments.data?.segments.find((s) => s.id === id)?.name ?? `#${id}`));
  const items = list.data?.campaigns ?? [];
  return h(
    'div',
    null,
    h('div', { class: 'cc-toolbar' }, h('span', { class: 'spacer' }), h(Button, { variant: 'primary', icon: 'plus', onClick: () => navigate({ view: 'campaigns', tab: 'campaigns', campaignId: 'new' }), testid: 'new-campaign' }, tc('newCampaign'))),
    list.status === 'error' || list.status === 'missing'
      ? h(ErrorNote, { text: list.error ?? '', onRetry: list.reload })
      : !list.data
        ? h('div', { class: 'list-loading' }, h(Spinner, null))
        : items.length === 0
          ? h(Empty, { icon: 'send', title: tc('noCampaigns') })
          : h(
              'table',
              { class: 'table', 'data-testid': 'campaigns-table' },
              h('thead', null, h('tr', null, h('th', null, tc('campaignName')), h('th', null, tc('colStatus')), h('th', null, tc('colSegment')), h('th', null, tc('colWhen')))),
              h(
                'tbody',
                null,
                items.map((c) =>
                  h(
                    'tr',
                    { key: c.id, 'data-testid': 'campaign-row', 'data-id': String(c.id) },
                    h('td', null, h('a', { class: 'strong', href: `#/campaigns/${c.id}`, 'data-testid': 'campaign-link' }, c.name)),
                    h('td', null, h(CampaignStatusChip, { status: c.status })),
                    h('td', { class: 'muted' }, segName(c.segmentId) ?? filterSummary(c.filter)),
                    h('td', { class: 'muted nowrap' }, c.scheduledAt && c.status === 'scheduled' ? vnDateTime(c.scheduledAt) : c.startedAt ? vnDateTime(c.startedAt) : dateTime(c.createdAt)),
                  ),
                ),
              ),
            ),
  );
}

function CampaignDetail(props: { id: number }): JSX.Element {
  const [version, setVersion] = useState(0);
  const rec = useLoad(() => campaignsApi.get(props.id), [props.id, version]);
  useEffect(() => {
    const onChanged = () => setVersion((v) => v + 1);
    window.addEventListener('omnigate:campaign-changed', onChanged);
    return () => window.removeEventListener('omnigate:campaign-changed', onChanged);
  }, []);
  if (!rec.data) return rec.status === 'loading' ? h('div', { class: 'list-loading' }, h(Spinner, null)) : h(ErrorNote, { text: rec.error ?? '', onRetry: rec.reload });
  const { campaign, report } = rec.data;
  if (campaign.status === 'draft') return h(Composer, { key: `draft-${campaign.id}`, campaign });
  return h(CampaignReportView, { campaign, report, version, reload: () => setVersion((v) => v + 1) });
}

export function CampaignsScreen(props: { tab: CampaignsTab; campaignId: number | 'new' | null }): JSX.Element {
  const sup = isSupervisor(getState().me?.role);
  if (!sup) return h('div', { class: 'cc-screen' }, h('div', { class: 'cc-page' }, h(Empty, { icon: 'lock', title: tc('campaignsNoAccess') })));
  const tabs: { id: CampaignsTab; label: string }[] = [
    { id: 'campaigns', label: tc('tabCampaigns') },
    { id: 'segments', label: tc('tabSegments') },
  ];
  const body =
    props.tab === 'segments'
      ? h(SegmentsTab, null)
      : props.campaignId === 'new'
        ? h(Composer, { key: 'new', campaign: null })
        : props.campaignId
          ? h(CampaignDetail, { key: props.campaignId, id: props.campaignId })
          : h(CampaignList, null);
  return h(
    'div',
    { class: 'cc-screen' },
    h(
      'div',
      { class: 'cc-page', 'data-testid': 'campaigns' },
      h('div', { class: 'admin-head' }, h('div', null, h('h1', null, tc('campaignsTitle')), h('p', { class: 'muted' }, tc('campaignsHint')))),
      h(
        'div',
        { class: 'cc-tabs', role: 'tablist' },
        tabs.map((tb) =>
          h(
            'button',
            {
              key: tb.id,
              type: 'button',
              role: 'tab',
              class: props.tab === tb.id && (tb.id === 'segments' || props.campaignId === null) ? 'active' : props.tab === tb.id ? 'active sub' : '',
              'aria-selected': String(props.tab === tb.id),
              onClick: () => navigate({ view: 'campaigns', tab: tb.id, campaignId: null }),
              'data-testid': `tab-${tb.id}`,
            },
            h(Icon, { name: tb.id === 'campaigns' ? 'send' : 'users' }),
            h('span', null, tb.label),
          ),
        ),
      ),
      body,
    ),
  );
}
