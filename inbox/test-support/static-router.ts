import type { Router } from 'express';
import { inboxPages } from '../../app/pages';

export interface InboxStaticOptions {
  /** Where inbox.js / inbox.css are (default inbox/dist). */
  dist?: string;
}

/**
 * The inbox exactly as production serves it (app/pages.ts: same page, same headers,
 * Content-Security-Policy included), from a test build. Tests mount it with
 * `createGateway({ mount: (gw) => gw.routes.use(...) })`.
 */
export function inboxStaticRouter(options: InboxStaticOptions = {}): Router {
  return inboxPages(options);
}
