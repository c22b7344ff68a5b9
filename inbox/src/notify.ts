/**
 * Alerts for new handoffs and conversations assigned to me: a short two-tone beep made
 * with WebAudio (no audio files), a system notification when the tab is not in front
 * (permission is asked on a user gesture), and an in-app toast.
 */
import { getState, persist, setState, MUTE_KEY, type Toast } from './store';

let audio: AudioContext | null = null;
let toastSeq = 0;
const recent = new Map<string, number>();

type AudioCtor = typeof AudioContext;

/** Browsers only let audio start after a gesture: create/resume the context on the first one. */
export function unlockAudioOnGesture(): void {
  const unlock = () => {
    try {
      const Ctor: AudioCtor | undefined = window.AudioContext ?? (window as unknown as { webkitAudioContext?: AudioCtor }).webkitAudioContext;
      if (!Ctor) return;
      audio ??= new Ctor();
      if (audio.state === 'suspended') void audio.resume();
    } catch {
      audio = null;
    }
  };
  window.addEventListener('pointerdown', unlock, { capture: true });
  window.addEventListener('keydown', unlock, { capture: true });
}

export function beep(): void {
  if (!audio || audio.state !== 'running') return;
  const now = audio.currentTime;
  for (const [i, freq] of [880, 1320].entries()) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const start = now + i * 0.14;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.12, start + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.12);
    osc.connect(gain).connect(audio.destination);
    osc.start(start);
    osc.stop(start + 0.13);
  }
}

export function toggleMute(): void {
  const muted = !getState().muted;
  persist(MUTE_KEY, muted ? '1' : '0');
  setState({ muted });
  if (!muted) beep();
}

/** Ask for the Notification permission (call from a click/submit handler). */
export function askNotificationPermission(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  try {
    void Notification.requestPermission().then((p) => setState({ notifyPermission: p }));
  } catch {
    // very old browsers: callback form only; not worth supporting
  }
}

export function showToast(kind: Toast['kind'], text: string, convId?: number): void {
  const id = ++toastSeq;
  setState((s) => ({ toasts: [...s.toasts.slice(-3), { id, kind, text, ...(convId ? { convId } : {}) }] }));
  window.setTimeout(() => dismissToast(id), kind === 'error' ? 8000 : 6000);
}

export function dismissToast(id: number): void {
  setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

/**
 * Alert about a conversation (once per conversation and kind within 5 s): sound unless
 * muted, a system notification when the inbox is not in front, and a toast.
 */
export function alertAgent(kind: string, convId: number, title: string, body: string, open: (id: number) => void): void {
  const key = `${kind}:${convId}`;
  const now = Date.now();
  if ((recent.get(key) ?? 0) > now - 5000) return;
  recent.set(key, now);
  if (!getState().muted) beep();
  showToast('notify', title, convId);
  const inFront = document.visibilityState === 'visible' && document.hasFocus();
  if (!inFront && typeof Notification !== 'undefined' && Notification.permission === 'granted') {
    try {
      const n = new Notification(title, { body, tag: `omnigate-conv-${convId}` });
      n.onclick = () => {
        window.focus();
        open(convId);
        n.close();
      };
    } catch {
      // Notification constructor unavailable (e.g. some mobile browsers): the toast is enough
    }
  }
}
