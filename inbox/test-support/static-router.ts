import path from 'node:path';
import express, { type Router } from 'express';

export interface InboxStaticOptions {
  /** Where inbox.js / inbox.css are (default inbox/dist). */
  dist?: string;
  /** The page (default inbox/index.html). */
  indexHtml?: string;
}

/**
 * Serves the agent inbox the way the app does: the page at /inbox and the bundles at
 * /inbox/assets/*. Tests mount it with `createGateway({ mount: (gw) => gw.routes.use(...) })`.
 */
export function inboxStaticRouter(options: InboxStaticOptions = {}): Router {
  const root = path.resolve(__dirname, '..');
  const dist = options.dist ?? path.join(root, 'dist');
  const index = options.indexHtml ?? path.join(root, 'index.html');
  const router = express.Router();
  router.get(['/inbox', '/inbox/'], (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.sendFile(index, (err) => err && next());
  });
  router.get('/inbox/assets/:file', (req, res, next) => {
    const file = String(req.params.file);
    if (!/^[\w-]+\.(js|css)$/.test(file)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.sendFile(path.join(dist, file), (err) => err && next());
  });
  return router;
}
