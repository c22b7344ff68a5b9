/**
 * Panel styles, added to the shadow root next to the loader's (which define the root
 * font, colours and --og-brand). Only px units (rem would follow the page), and every
 * form control gets its font and colours set here rather than from the page.
 */
export const PANEL_CSS = `
.og-panel,.og-panel *{box-sizing:border-box}
.og-panel{position:fixed;right:20px;bottom:96px;width:370px;height:560px;max-height:calc(100vh - 116px);display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 16px 48px rgba(16,32,72,.22),0 2px 8px rgba(16,32,72,.12);transform-origin:100% 100%;animation:og-in .18s ease-out}
.og-left .og-panel{right:auto;left:20px;transform-origin:0 100%}
@keyframes og-in{from{opacity:0;transform:translateY(12px) scale(.98)}}
/* Low specificity (0,0,1) on purpose: any class rule below overrides this reset. */
:where(.og-panel) :is(button,input,textarea){font:inherit;color:inherit;letter-spacing:normal;margin:0}
:where(.og-panel) button{cursor:pointer}
.og-panel :focus-visible{outline:2px solid var(--og-brand);outline-offset:2px}
.og-header{display:flex;align-items:center;gap:12px;padding:14px 12px 14px 16px;background:var(--og-brand);color:var(--og-brand-ink);flex:none}
.og-avatar{width:38px;height:38px;border-radius:50%;background:rgba(255,255,255,.18);display:flex;align-items:center;justify-content:center;flex:none}
.og-heading{flex:1;min-width:0}
.og-title{margin:0;font-size:16px;font-weight:700;line-height:1.3}
.og-subtitle{font-size:12px;opacity:.85;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.og-icon-btn{width:36px;height:36px;border:0;border-radius:50%;background:transparent;color:inherit;display:flex;align-items:center;justify-content:center;padding:0;flex:none}
.og-icon-btn:hover{background:rgba(127,127,127,.16)}
.og-header .og-icon-btn:focus-visible{outline-color:#fff}
.og-status{flex:none;padding:6px 16px;background:#fff6e5;color:#7a4a00;font-size:12px;text-align:center;border-bottom:1px solid #f5e2bd}
.og-body{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:12px 14px 16px;background:#fff}
.og-messages{display:flex;flex-direction:column}
.og-row{display:flex;flex-direction:column;align-items:flex-start;margin-top:6px;max-width:100%}
.og-row.og-in{align-items:flex-end}
.og-row.og-system{align-items:center}
.og-name{font-size:12px;font-weight:600;color:#5b6576;margin:10px 8px 3px}
.og-bubble{max-width:80%;padding:8px 12px;border-radius:18px;border-bottom-left-radius:6px;background:#f0f2f5;color:#1c2430;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word}
.og-in .og-bubble{background:var(--og-brand);color:var(--og-brand-ink);border-radius:18px;border-bottom-right-radius:6px}
.og-system .og-bubble{background:transparent;color:#6b7484;font-size:12px;text-align:center;padding:4px 8px}
.og-greeting .og-bubble{margin-top:4px}
.og-bubble a{color:inherit;text-decoration:underline;text-underline-offset:2px}
.og-sending .og-bubble{opacity:.7}
.og-failed .og-bubble{opacity:.7;box-shadow:inset 0 0 0 1.5px #d62c3c}
.og-bubble img{display:block;max-width:100%;max-height:240px;border-radius:10px;margin:2px 0}
.og-bubble.og-media{padding:4px;background:#f0f2f5}
.og-in .og-bubble.og-media{background:var(--og-brand)}
.og-caption{padding:4px 8px 2px}
.og-file{display:flex;align-items:center;gap:8px;padding:4px 6px;text-decoration:none!important;font-weight:600}
.og-file small{font-weight:400;opacity:.8}
.og-meta{font-size:11px;color:#7a8494;margin:3px 8px 0;display:flex;align-items:center;gap:6px}
.og-failed .og-meta{color:#c3202f}
.og-panel .og-link-btn{border:0;background:none;padding:0;color:var(--og-brand);font-weight:600;font-size:11px;text-decoration:underline}
.og-seen{font-size:11px;color:#7a8494;margin:2px 8px 0}
.og-quick{display:flex;flex-wrap:wrap;justify-content:flex-end;gap:6px;margin-top:12px}
.og-quick button{border:1.5px solid var(--og-brand);background:#fff;color:var(--og-brand);border-radius:18px;padding:6px 14px;font-weight:600;font-size:13px;line-height:1.3;transition:background .12s}
.og-quick button:hover{background:rgba(11,95,255,.08)}
.og-typing{display:flex;align-items:center;gap:8px;margin-top:10px;font-size:12px;color:#6b7484}
.og-dots{display:inline-flex;gap:3px;padding:9px 11px;background:#f0f2f5;border-radius:14px}
.og-dots i{width:6px;height:6px;border-radius:50%;background:#98a1b0;animation:og-blink 1.2s infinite both}
.og-dots i:nth-child(2){animation-delay:.2s}.og-dots i:nth-child(3){animation-delay:.4s}
@keyframes og-blink{0%,80%,100%{opacity:.3}40%{opacity:1}}
.og-notice{margin:10px 0 0;padding:8px 12px;border-radius:10px;background:#fdecee;color:#a51d2b;font-size:13px}
.og-card{margin-top:12px;padding:14px;border:1px solid #e3e7ee;border-radius:14px;background:#fafbfc}
.og-card p{margin:0 0 10px}
.og-field{display:block;margin-bottom:10px}
.og-label{display:block;font-size:12px;font-weight:600;color:#434c5c;margin-bottom:4px}
.og-label small{font-weight:400;color:#7a8494}
.og-field input,.og-field textarea{display:block;width:100%;padding:9px 12px;border:1px solid #d5dae3;border-radius:10px;background:#fff;color:#1c2430;font-size:14px;line-height:20px;resize:vertical}
.og-field input:focus,.og-field textarea:focus,.og-input:focus{outline:none;border-color:var(--og-brand);box-shadow:0 0 0 3px rgba(11,95,255,.16)}
.og-field [aria-invalid=true]{border-color:#d62c3c}
.og-error{display:block;color:#c3202f;font-size:12px;margin-top:4px}
.og-panel .og-primary{display:block;width:100%;border:0;border-radius:10px;padding:10px 14px;background:var(--og-brand);color:var(--og-brand-ink);font-weight:700}
.og-panel .og-primary:disabled{opacity:.6;cursor:progress}
.og-thanks{margin-top:12px;padding:12px 14px;border-radius:12px;background:#e9f7ef;color:#17623a}
.og-composer{flex:none;display:flex;align-items:flex-end;gap:6px;padding:10px 10px 10px 8px;padding-bottom:max(10px,env(safe-area-inset-bottom));border-top:1px solid #e8ebf0;background:#fff}
.og-attach{color:#6b7484}
.og-input{flex:1;min-width:0;height:40px;max-height:120px;padding:9px 14px;border:1px solid #dde2ea;border-radius:20px;background:#f7f8fa;color:#1c2430;font-size:14px;line-height:20px;resize:none;overflow-y:auto}
.og-input::placeholder{color:#8a93a3}
.og-send{background:var(--og-brand);color:var(--og-brand-ink)}
.og-send:hover{background:var(--og-brand);filter:brightness(1.08)}
.og-send:disabled{opacity:.4;cursor:default;filter:none}
.og-file-input{display:none}
@media (max-width:480px){
.og-panel{inset:0;right:0;left:0;bottom:0;width:auto;height:auto;max-height:none;border-radius:0;animation:none}
.og-input,.og-field input,.og-field textarea{font-size:16px}
}
@media (prefers-reduced-motion:reduce){.og-panel,.og-dots i{animation:none}}
`;
