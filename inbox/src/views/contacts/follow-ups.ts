/**
 * "Hỏi thăm sau 3 ngày": schedule a follow-up message on a conversation
 * (`POST /conversations/:id/follow-ups`), list the scheduled ones (cancel), and show the
 * `followup:blocked` notice when the channel did not allow it at the due time.
 */
import { h, type JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../actions';
import { dateTime } from '../../format';
import { showToast } from '../../notify';
import { Button, Icon, Spinner } from '../../ui';
import { useLoad } from './common';
import { followUpsApi, type FollowUp } from './model';
import { reasonText, tc, type CMessageKey } from './strings';

/** Dispatched on `window` by realtime.ts with the event's payload. */
export const FOLLOW_UP_BLOCKED_EVENT = 'omnigate:followup-blocked';
export interface FollowUpBlocked {
  followUpId: number;
  conversationId: number;
  reason: string;
  text: string;
  dueAt: string;
}

const DAYS = [1, 3, 7, 14, 30];
const STATUS: Record<FollowUp['status'], { key: CMessageKey; chip: string }> = {
  scheduled: { key: 'fuScheduled', chip: 'chip-open' },
  sent: { key: 'fuSent', chip: 'chip-resolved' },
  blocked: { key: 'fuBlocked', chip: 'chip-pending' },
  cancelled: { key: 'fuCancelled', chip: 'chip-muted' },
};

export function FollowUps(props: { conversationId: number }): JSX.Element {
  const id = props.conversationId;
  const list = useLoad(() => followUpsApi.list(id), [id]);
  const [text, setText] = useState('');
  const [after, setAfter] = useState('3');
  const [at, setAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [blocked, setBlocked] = useState<FollowUpBlocked | null>(null);
  useEffect(() => {
    setBlocked(null);
    const on = (e: Event) => {
      const detail = (e as CustomEvent<FollowUpBlocked>).detail;
      if (detail?.conversationId !== id) return;
      setBlocked(detail);
      list.reload();
    };
    window.addEventListener(FOLLOW_UP_BLOCKED_EVENT, on);
    return () => window.removeEventListener(FOLLOW_UP_BLOCKED_EVENT, on);
  }, [id]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const body = after === 'at' ? { text: text.trim(), dueAt: new Date(at).toISOString() } : { text: text.trim(), afterDays: Number(after) };
      const r = await followUpsApi.create(id, body);
      showToast('info', tc('followUpScheduled', { when: dateTime(r.followUp.dueAt) }));
      setText('');
      list.reload();
    } catch (err) {
      setError(err instanceof RangeError ? tc('needSchedule') : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const cancel = async (f: FollowUp) => {
    try {
      await followUpsApi.cancel(f.id);
      list.reload();
    } catch (err) {
      showToast('error', errorText(err));
    }
  };
  const items = (list.data?.followUps ?? []).filter((f) => f.status !== 'cancelled');
  return h(
    'div',
    { class: 'contact-section cc-followups', 'data-testid': 'follow-ups' },
    h('h3', null, tc('followUps')),
    blocked
      ? h(
          'div',
          { class: 'cc-blocked', role: 'alert', 'data-testid': 'follow-up-blocked' },
          h(Icon, { name: 'alert' }),
          h('span', null, tc('followUpBlocked', { reason: reasonText(blocked.reason) })),
          h(Button, { variant: 'ghost', small: true, icon: 'x', title: tc('cancelFollowUp'), onClick: () => setBlocked(null) }),
        )
      : null,
    h(
      'form',
      { class: 'cc-fu-form', onSubmit: submit, 'aria-label': tc('scheduleFollowUp') },
      h('textarea', { rows: 2, value: text, maxLength: 2000, placeholder: tc('followUpPlaceholder'), 'aria-label': tc('followUpText'), onInput: (e: Event) => setText((e.target as HTMLTextAreaElement).value), 'data-testid': 'follow-up-text' }),
      h(
        'div',
        { class: 'cc-fu-when' },
        h(
          'select',
          { value: after, 'aria-label': tc('followUpAfter'), onChange: (e: Event) => setAfter((e.target as HTMLSelectElement).value), 'data-testid': 'follow-up-after' },
          DAYS.map((n) => h('option', { key: n, value: String(n) }, tc('afterDays', { n }))),
          h('option', { value: 'at' }, tc('followUpAt')),
        ),
        after === 'at' ? h('input', { type: 'datetime-local', value: at, required: true, 'aria-label': tc('followUpAt'), onInput: (e: Event) => setAt((e.target as HTMLInputElement).value), 'data-testid': 'follow-up-at' }) : null,
      ),
      h('p', { class: 'muted small' }, tc('followUpHint')),
      error ? h('div', { class: 'form-error', role: 'alert' }, error) : null,
      h('button', { type: 'submit', class: 'btn btn-secondary btn-sm', disabled: busy || !text.trim(), 'data-testid': 'follow-up-submit' }, h(Icon, { name: 'clock' }), h('span', null, tc('scheduleFollowUp'))),
    ),
    list.status === 'loading' && !list.data ? h(Spinner, null) : null,
    list.status === 'missing' || list.status === 'error' ? h('p', { class: 'muted small' }, list.error) : null,
    list.data && items.length === 0 ? h('p', { class: 'muted small' }, tc('noFollowUps')) : null,
    items.length
      ? h(
          'ul',
          { class: 'cc-fu-list' },
          items.map((f) =>
            h(
              'li',
              { key: f.id, class: 'cc-fu', 'data-testid': 'follow-up', 'data-status': f.status },
              h('div', { class: 'cc-fu-head' }, h('span', { class: `chip ${STATUS[f.status]?.chip ?? ''}` }, STATUS[f.status] ? tc(STATUS[f.status].key) : f.status), h('span', { class: 'muted small' }, tc('fuDue', { when: dateTime(f.dueAt) }))),
              h('div', { class: 'cc-fu-text pre' }, f.text),
              f.reason ? h('div', { class: 'muted small' }, reasonText(f.reason)) : null,
              f.status === 'scheduled' ? h(Button, { variant: 'ghost', small: true, icon: 'x', onClick: () => void cancel(f), testid: 'follow-up-cancel' }, tc('cancelFollowUp')) : null,
            ),
          ),
        )
      : null,
  );
}
