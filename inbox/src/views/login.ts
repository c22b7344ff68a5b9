import { h, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import { errorText, login } from '../actions';
import { t } from '../i18n';
import { getState } from '../store';
import { LangSwitch } from './header';

export function LoginScreen(_props: object): JSX.Element {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notice = getState().loginNotice;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await login(email.trim(), password);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return h(
    'div',
    { class: 'login-page' },
    h(
      'main',
      { class: 'login-card' },
      h('div', { class: 'login-brand' }, h('span', { class: 'logo-mark', 'aria-hidden': 'true' }, 'O'), h('span', { class: 'logo-text' }, t('appName'))),
      h('h1', null, t('loginTitle')),
      h('p', { class: 'login-sub' }, t('loginSubtitle')),
      notice && !error ? h('div', { class: 'login-notice', role: 'status' }, notice) : null,
      h(
        'form',
        { onSubmit: submit, noValidate: true },
        h(
          'label',
          { class: 'field' },
          h('span', { class: 'field-label' }, t('email')),
          h('input', {
            type: 'email',
            name: 'email',
            autoComplete: 'username',
            required: true,
            value: email,
            autoFocus: true,
            onInput: (e: Event) => setEmail((e.target as HTMLInputElement).value),
            'data-testid': 'login-email',
          }),
        ),
        h(
          'label',
          { class: 'field' },
          h('span', { class: 'field-label' }, t('password')),
          h('input', {
            type: 'password',
            name: 'password',
            autoComplete: 'current-password',
            required: true,
            value: password,
            onInput: (e: Event) => setPassword((e.target as HTMLInputElement).value),
            'data-testid': 'login-password',
          }),
        ),
        error ? h('div', { class: 'login-error', role: 'alert', 'data-testid': 'login-error' }, error) : null,
        h('button', { type: 'submit', class: 'btn btn-primary btn-block', disabled: busy, 'data-testid': 'login-submit' }, busy ? t('signingIn') : t('signIn')),
      ),
      h('div', { class: 'login-foot' }, h(LangSwitch, null)),
    ),
  );
}
