/** Small building blocks: icons, buttons, avatar, chips, dialogs, menus. */
import { h, type ComponentChildren, type JSX } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { avatarHue, channelLabel, initials, safeUrl, statusLabel } from './format';
import { t } from './i18n';

// Stroke icons (24×24, Feather-style paths).
const ICONS = {
  x: 'M18 6 6 18M6 6l12 12',
  check: 'M20 6 9 17l-5-5',
  checks: 'M18 7 8.5 16.5 4 12M22 7l-9.5 9.5-1.2-1.2',
  search: 'M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM21 21l-4.35-4.35',
  send: 'M22 2 11 13M22 2l-7 20-4-9-9-4 20-7z',
  clock: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 6v6l4 2',
  user: 'M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
  users: 'M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM23 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75',
  inbox: 'M22 12h-6l-2 3h-4l-2-3H2M5.45 5.11 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.45-6.89A2 2 0 0 0 16.76 4H7.24a2 2 0 0 0-1.79 1.11z',
  done: 'M22 11.08V12a10 10 0 1 1-5.93-9.14M22 4 12 14.01l-3-3',
  bot: 'M12 8V4M9 4h6M6 8h12a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2zM9.5 13v1.5M14.5 13v1.5M2 13v2M22 13v2',
  lock: 'M5 11h14a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2zM7 11V7a5 5 0 0 1 10 0v4',
  bell: 'M18 8A6 6 0 0 0 6 8c0 7-3 9-3 9h18s-3-2-3-9M13.73 21a2 2 0 0 1-3.46 0',
  bellOff: 'M13.73 21a2 2 0 0 1-3.46 0M18.63 13A17.89 17.89 0 0 1 18 8M6.26 6.26A5.86 5.86 0 0 0 6 8c0 7-3 9-3 9h14M18 8a6 6 0 0 0-9.33-5M1 1l22 22',
  globe: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM2 12h20M12 2a15.3 15.3 0 0 1 4 10 15.3 15.3 0 0 1-4 10 15.3 15.3 0 0 1-4-10 15.3 15.3 0 0 1 4-10z',
  bubble: 'M21 11.5a8.38 8.38 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.38 8.38 0 0 1-3.8-.9L3 21l1.9-5.7a8.38 8.38 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.38 8.38 0 0 1 3.8-.9h.5a8.48 8.48 0 0 1 8 8v.5z',
  file: 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6',
  chevronDown: 'm6 9 6 6 6-6',
  arrowLeft: 'M19 12H5M12 19l-7-7 7-7',
  sliders: 'M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6',
  logout: 'M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9',
  panel: 'M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM15 3v18',
  alert: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 8v4M12 16h.01',
  copy: 'M20 9h-9a2 2 0 0 0-2 2v9a2 2 0 0 0 2 2h9a2 2 0 0 0 2-2v-9a2 2 0 0 0-2-2zM5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1',
  upload: 'M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M17 8l-5-5-5 5M12 3v12',
  download: 'M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4M7 10l5 5 5-5M12 15V3',
  plus: 'M12 5v14M5 12h14',
  edit: 'M17 3a2.83 2.83 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5z',
  trash: 'M3 6h18M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6M10 11v6M14 11v6M9 6V4a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2',
  moon: 'M21 12.79A9 9 0 1 1 11.21 3 7 7 0 0 0 21 12.79z',
  userPlus: 'M16 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M8.5 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM20 8v6M23 11h-6',
  reopen: 'M1 4v6h6M3.51 15a9 9 0 1 0 2.13-9.36L1 10',
  phone: 'M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6 19.79 19.79 0 0 1-3.07-8.67A2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72c.13.96.36 1.9.7 2.81a2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45c.91.34 1.85.57 2.81.7A2 2 0 0 1 22 16.92z',
  mail: 'M4 4h16c1.1 0 2 .9 2 2v12c0 1.1-.9 2-2 2H4c-1.1 0-2-.9-2-2V6c0-1.1.9-2 2-2zM22 6l-10 7L2 6',
  pin: 'M21 10c0 7-9 13-9 13s-9-6-9-13a9 9 0 0 1 18 0zM12 13a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  help: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM9.09 9a3 3 0 0 1 5.83 1c0 2-3 3-3 3M12 17h.01',
  link: 'M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71',
  image: 'M5 3h14a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM8.5 10a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM21 15l-5-5L5 21',
  book: 'M4 19.5A2.5 2.5 0 0 1 6.5 17H20M6.5 2H20v20H6.5A2.5 2.5 0 0 1 4 19.5v-15A2.5 2.5 0 0 1 6.5 2z',
  question: 'M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2zM9.5 8.5a2.5 2.5 0 0 1 4.9.7c0 1.6-2.4 2.3-2.4 2.3M12 14h.01',
  zap: 'M13 2 3 14h9l-1 8 10-12h-9l1-8z',
  chart: 'M3 3v18h18M7 15l4-4 3 3 6-6',
  refresh: 'M23 4v6h-6M1 20v-6h6M3.51 9a9 9 0 0 1 14.85-3.36L23 10M1 14l4.64 4.36A9 9 0 0 0 20.49 15',
} as const;

export type IconName = keyof typeof ICONS;

export function Icon(props: { name: IconName; size?: number; class?: string; title?: string }): JSX.Element {
  const size = props.size ?? 16;
  return h(
    'svg',
    {
      class: `icon ${props.class ?? ''}`.trim(),
      width: size,
      height: size,
      viewBox: '0 0 24 24',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2,
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
      'aria-hidden': props.title ? undefined : 'true',
      role: props.title ? 'img' : undefined,
    },
    props.title ? h('title', null, props.title) : null,
    h('path', { d: ICONS[props.name] }),
  );
}

type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger' | 'subtle';

export interface ButtonProps {
  variant?: ButtonVariant;
  icon?: IconName;
  onClick?: (e: MouseEvent) => void;
  disabled?: boolean;
  title?: string;
  type?: 'button' | 'submit';
  testid?: string;
  class?: string;
  small?: boolean;
  pressed?: boolean;
  label?: string;
  children?: ComponentChildren;
}

export function Button(p: ButtonProps): JSX.Element {
  const cls = ['btn', `btn-${p.variant ?? 'secondary'}`, p.small ? 'btn-sm' : '', !p.children ? 'btn-icon' : '', p.class ?? ''].filter(Boolean).join(' ');
  return h(
    'button',
    {
      type: p.type ?? 'button',
      class: cls,
      onClick: p.onClick,
      disabled: p.disabled,
      title: p.title,
      'aria-label': p.label ?? (!p.children ? p.title : undefined),
      'aria-pressed': p.pressed === undefined ? undefined : String(p.pressed),
      'data-testid': p.testid,
    },
    p.icon ? h(Icon, { name: p.icon }) : null,
    p.children ? h('span', null, p.children) : null,
  );
}

export function Avatar(props: { name: string; seed: string | number; url?: string | null; size?: 'sm' | 'md' | 'lg'; anonymous?: boolean }): JSX.Element {
  const [broken, setBroken] = useState(false);
  const src = props.url ? safeUrl(props.url) : null;
  const hue = avatarHue(props.seed);
  return h(
    'span',
    { class: `avatar avatar-${props.size ?? 'md'}`, style: { background: `hsl(${hue} 55% 92%)`, color: `hsl(${hue} 45% 32%)` }, 'aria-hidden': 'true' },
    src && !broken
      ? h('img', { src, alt: '', referrerpolicy: 'no-referrer', onError: () => setBroken(true) })
      : props.anonymous
        ? h(Icon, { name: 'user', size: props.size === 'lg' ? 28 : props.size === 'sm' ? 12 : 18 })
        : initials(props.name),
  );
}

export function ChannelBadge(props: { channel: string; withLabel?: boolean }): JSX.Element {
  const ch = props.channel;
  const glyph =
    ch === 'zalo'
      ? h('span', { class: 'ch-glyph ch-zalo', 'aria-hidden': 'true' }, 'Z')
      : h('span', { class: `ch-glyph ch-${ch === 'messenger' ? 'messenger' : ch === 'widget' ? 'widget' : 'other'}`, 'aria-hidden': 'true' }, h(Icon, { name: ch === 'messenger' ? 'bubble' : 'globe', size: 11 }));
  return h('span', { class: 'channel', title: channelLabel(ch) }, glyph, h('span', { class: props.withLabel === false ? 'visually-hidden' : 'channel-label' }, channelLabel(ch)));
}

export function StatusChip(props: { status: string }): JSX.Element {
  return h('span', { class: `chip chip-${props.status}` }, statusLabel(props.status));
}

export function Spinner(_props: object): JSX.Element {
  return h('span', { class: 'spinner', role: 'status', 'aria-label': t('loading') });
}

export function Empty(props: { icon?: IconName; title: string; hint?: string; children?: ComponentChildren }): JSX.Element {
  return h(
    'div',
    { class: 'empty' },
    props.icon ? h('div', { class: 'empty-icon' }, h(Icon, { name: props.icon, size: 28 })) : null,
    h('div', { class: 'empty-title' }, props.title),
    props.hint ? h('div', { class: 'empty-hint' }, props.hint) : null,
    props.children,
  );
}

export function ErrorNote(props: { text: string; onRetry?: () => void }): JSX.Element {
  return h(
    'div',
    { class: 'error-note', role: 'alert' },
    h(Icon, { name: 'alert' }),
    h('span', null, props.text),
    props.onRetry ? h(Button, { small: true, variant: 'ghost', onClick: props.onRetry }, t('retry')) : null,
  );
}

/**
 * A modal dialog: Esc and the backdrop close it; focus goes to the first field.
 * Esc is listened for from the moment the dialog is in the page (a layout effect runs
 * in the same task as the render; a plain effect waits for the next frame, and an Esc
 * typed before it was lost — https://preactjs.com/guide/v10/hooks/#uselayouteffect).
 */
export function Modal(props: { title: string; onClose: () => void; children?: ComponentChildren; footer?: ComponentChildren; wide?: boolean; testid?: string }): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea, button.btn-primary');
    first?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        props.onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      previous?.focus?.();
    };
  }, []);
  return h(
    'div',
    { class: 'modal-backdrop', onMouseDown: (e: MouseEvent) => e.target === e.currentTarget && props.onClose() },
    h(
      'div',
      { class: `modal ${props.wide ? 'modal-wide' : ''}`, role: 'dialog', 'aria-modal': 'true', 'aria-label': props.title, ref, 'data-testid': props.testid },
      h('div', { class: 'modal-head' }, h('h2', null, props.title), h(Button, { variant: 'ghost', icon: 'x', title: t('close'), onClick: props.onClose })),
      h('div', { class: 'modal-body' }, props.children),
      props.footer ? h('div', { class: 'modal-foot' }, props.footer) : null,
    ),
  );
}

/** A button that opens a small menu below it; closes on outside click or Esc. */
export function MenuButton(props: { button: Omit<ButtonProps, 'onClick'>; items: { label: string; hint?: string; onSelect: () => void; testid?: string }[]; align?: 'left' | 'right' }): JSX.Element {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return h(
    'div',
    { class: 'menu-wrap', ref },
    h(Button, { ...props.button, onClick: () => setOpen(!open) }),
    open
      ? h(
          'div',
          { class: `menu menu-${props.align ?? 'right'}`, role: 'menu' },
          props.items.map((it) =>
            h(
              'button',
              {
                type: 'button',
                role: 'menuitem',
                class: 'menu-item',
                'data-testid': it.testid,
                onClick: () => {
                  setOpen(false);
                  it.onSelect();
                },
              },
              h('span', null, it.label),
              it.hint ? h('span', { class: 'menu-hint' }, it.hint) : null,
            ),
          ),
        )
      : null,
  );
}

/** A labelled form field. */
export function Field(props: { label: string; hint?: string; children?: ComponentChildren; wide?: boolean }): JSX.Element {
  return h('label', { class: `field ${props.wide ? 'field-wide' : ''}` }, h('span', { class: 'field-label' }, props.label), props.children, props.hint ? h('span', { class: 'field-hint' }, props.hint) : null);
}

export function UnreadBadge(props: { n: number; label?: string }): JSX.Element | null {
  if (props.n <= 0) return null;
  return h('span', { class: 'badge', title: props.label, 'aria-label': props.label }, props.n > 99 ? '99+' : String(props.n));
}
