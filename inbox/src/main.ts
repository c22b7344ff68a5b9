/** Entry point of the agent inbox bundle (inbox/dist/inbox.js). */
import { h, render } from 'preact';
import { boot } from './actions';
import { App } from './app';
import { lang, setLang } from './i18n';
import { unlockAudioOnGesture } from './notify';
import './realtime';

setLang(lang());
unlockAudioOnGesture();
const root = document.getElementById('app');
if (root) {
  render(h(App, null), root);
  void boot();
}
