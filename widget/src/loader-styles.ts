/**
 * Styles of the always-present part (host element, launcher, badge). They live inside the
 * shadow root, so page selectors never reach them; `:host { all: initial !important }`
 * beats even `* { all: unset !important }` on the page (in the cascade, an !important
 * rule of the inner shadow context wins over the outer page's !important rule) and stops
 * inherited fonts and colours from leaking in. Only px units: `rem` would follow the
 * page's <html> font size.
 */
export const LOADER_CSS = `
:host{all:initial!important;display:block!important;position:fixed!important;right:0!important;bottom:0!important;width:0!important;height:0!important;z-index:2147483647!important;visibility:visible!important;opacity:1!important}
[hidden]{display:none!important}
.og-root{--og-brand:var(--omnigate-brand,#0b5fff);--og-brand-ink:#fff;font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;color:#1c2430;letter-spacing:normal;text-align:left;-webkit-font-smoothing:antialiased}
.og-launcher{all:initial;box-sizing:border-box;position:fixed;right:20px;bottom:20px;width:60px;height:60px;border-radius:50%;background:var(--og-brand);color:var(--og-brand-ink);display:flex;align-items:center;justify-content:center;cursor:pointer;box-shadow:0 6px 18px rgba(16,32,72,.28),0 2px 4px rgba(16,32,72,.16);transition:transform .15s ease,box-shadow .15s ease;-webkit-tap-highlight-color:transparent}
.og-launcher:hover{transform:translateY(-2px);box-shadow:0 10px 24px rgba(16,32,72,.32),0 2px 4px rgba(16,32,72,.16)}
.og-launcher:focus-visible{outline:3px solid var(--og-brand);outline-offset:3px}
.og-launcher svg{display:block;pointer-events:none}
.og-launcher[aria-busy=true]{cursor:progress;opacity:.85}
.og-left .og-launcher{right:auto;left:20px}
.og-badge{all:initial;box-sizing:border-box;position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;border:2px solid #fff;background:#e0243a;color:#fff;font:700 12px/18px -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Arial,sans-serif;text-align:center}
@media (max-width:480px){.og-open .og-launcher{display:none}}
@media (prefers-reduced-motion:reduce){.og-launcher{transition:none}}
`;
