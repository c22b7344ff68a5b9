/**
 * widget-panel.js — the chat panel, fetched by widget.js on first open (or in the
 * background for a returning visitor). It registers with the loader's hook and draws
 * into the loader's shadow root.
 */
import { Chat } from './chat';

const hook = window.__omnigateWidget;
if (hook) hook.register(new Chat(hook));
else console.warn('[omnigate] widget-panel.js is loaded by widget.js; embed widget.js instead');
