import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { demoCsp, embeddable, inboxCsp } from '../src/server/security-headers';

/**
 * Static browser code and pages: the widget bundles (/widget.js, /widget-panel.js), the
 * agents' inbox (/inbox) and the demo shop at `/`. Found from the source tree or the build
 * (dist/app → repo root). The headers every response gets are in src/server/security-headers.ts;
 * here each page adds its own Content-Security-Policy.
 */
export function pagesRouter(): Router {
  const root = repoRoot();
  const router = express.Router();
  const widgetDist = path.join(root, 'widget', 'dist');
  const demo = path.join(root, 'widget', 'demo');
  for (const file of ['widget.js', 'widget-panel.js']) {
    router.get(`/${file}`, (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=300');
      // Embedded by customer sites: loadable cross-origin (CORP), and readable by CORS for
      // a <script crossorigin integrity=…> tag. Public code, never with credentials.
      embeddable(res);
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.type('application/javascript').sendFile(path.join(widgetDist, file), (err) => err && res.status(404).end());
    });
  }
  router.use(inboxPages());
  router.get('/', (req, res) => {
    res.setHeader('Content-Security-Policy', demoCsp(req));
    res.sendFile(path.join(demo, 'index.html'), (err) => err && res.status(404).end());
  });
  router.get('/demo/:page', (req, res) => {
    const page = String(req.params.page);
    if (!/^[a-z-]+\.html$/.test(page)) return void res.status(404).end();
    res.setHeader('Content-Security-Policy', demoCsp(req));
    res.sendFile(path.join(demo, page), (err) => err && res.status(404).end());
  });
  return router;
}

export interface InboxPagesOptions {
  /** Where the inbox bundles are (default inbox/dist; the browser tests build into a temporary directory). */
  dist?: string;
}

/**
 * The agents' inbox: the page at /inbox with its Content-Security-Policy (frame-ancestors
 * 'none' as well: clickjacking), the bundles at /inbox/assets/*. The browser tests mount
 * this very router (inbox/test-support/static-router.ts), so they run under these headers.
 */
export function inboxPages(options: InboxPagesOptions = {}): Router {
  const inbox = path.join(repoRoot(), 'inbox');
  const router = express.Router();
  router.get('/inbox', (req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', inboxCsp(req));
    res.sendFile(path.join(inbox, 'index.html'), (err) => err && res.status(404).end());
  });
  router.use('/inbox/assets', express.static(options.dist ?? path.join(inbox, 'dist'), { fallthrough: false, index: false, maxAge: '5m' }));
  return router;
}

function repoRoot(): string {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return process.cwd();
}
