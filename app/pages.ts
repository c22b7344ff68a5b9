import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/**
 * Static browser code and pages: the widget bundles (/widget.js, /widget-panel.js) and
 * the demo shop at `/`. Found from the source tree or the build (dist/app → repo root).
 */
export function pagesRouter(): Router {
  const root = repoRoot();
  const router = express.Router();
  const widgetDist = path.join(root, 'widget', 'dist');
  const demo = path.join(root, 'widget', 'demo');
  for (const file of ['widget.js', 'widget-panel.js']) {
    router.get(`/${file}`, (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.type('application/javascript').sendFile(path.join(widgetDist, file), (err) => err && res.status(404).end());
    });
  }
  const inbox = path.join(root, 'inbox');
  router.get('/inbox', (_req, res) => res.sendFile(path.join(inbox, 'index.html'), (err) => err && res.status(404).end()));
  router.use('/inbox/assets', express.static(path.join(inbox, 'dist'), { fallthrough: false, index: false, maxAge: '5m' }));
  router.get('/', (_req, res) => res.sendFile(path.join(demo, 'index.html'), (err) => err && res.status(404).end()));
  router.get('/demo/:page', (req, res) => {
    const page = String(req.params.page);
    if (!/^[a-z-]+\.html$/.test(page)) return void res.status(404).end();
    res.sendFile(path.join(demo, page), (err) => err && res.status(404).end());
  });
  return router;
}

function repoRoot(): string {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return process.cwd();
}
