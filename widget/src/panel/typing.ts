/**
 * Visitor typing → `typing` events, without flooding: `true` on the first keystroke and
 * again every few seconds while typing continues (so the agent's indicator does not
 * time out), `false` after a pause or when the message is sent.
 */
export class TypingSignal {
  private active = false;
  private lastSent = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly emit: (typing: boolean) => void,
    private readonly idleMs = 3000,
    private readonly repeatMs = 2500,
  ) {}

  input(): void {
    const now = Date.now();
    if (!this.active || now - this.lastSent >= this.repeatMs) {
      this.emit(true);
      this.active = true;
      this.lastSent = now;
    }
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), this.idleMs);
  }

  stop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.active) return;
    this.active = false;
    this.emit(false);
  }
}
