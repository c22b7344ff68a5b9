/**
 * Loads inbox-charts.js (uPlot) on first use, next to inbox.js — same origin, so the
 * page's Content-Security-Policy (`script-src 'self'`) allows it. One request, shared by
 * every chart; a failed load can be retried.
 */
import type { UPlot } from './global';

const CHUNK = 'inbox-charts.js';

// While inbox.js runs its top level, `currentScript` is inbox.js itself.
const self = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
const chunkUrl = (): string => {
  try {
    if (self?.src) return new URL(CHUNK, self.src).href;
  } catch {
    // fall through to the default location
  }
  return `/inbox/assets/${CHUNK}`;
};

let loading: Promise<UPlot> | null = null;

export function loadUPlot(): Promise<UPlot> {
  if (window.omnigateUPlot) return Promise.resolve(window.omnigateUPlot);
  loading ??= new Promise<UPlot>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = chunkUrl();
    script.async = true;
    const fail = () => {
      loading = null;
      script.remove();
      reject(new Error(`could not load ${CHUNK}`));
    };
    script.onload = () => (window.omnigateUPlot ? resolve(window.omnigateUPlot) : fail());
    script.onerror = fail;
    document.head.appendChild(script);
  });
  return loading;
}
