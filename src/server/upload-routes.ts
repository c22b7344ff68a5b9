import type { Router } from 'express';
import { GatewayError } from '../core/errors';
import type { UploadStore } from '../uploads/upload-store';
import { embeddable } from './security-headers';

/**
 * GET /uploads/:id?exp=&sig= — serves an attachment to whoever holds a valid signed link
 * (the conversation's visitor, agents). Always as its sniffed type, never sniffable by
 * the browser, downloaded unless it is an image.
 */
export function mountUploadRoutes(router: Router, uploads: UploadStore): void {
  router.get('/uploads/:id', async (req, res, next) => {
    try {
      const id = String(req.params.id);
      const exp = typeof req.query.exp === 'string' ? req.query.exp : undefined;
      const sig = typeof req.query.sig === 'string' ? req.query.sig : undefined;
      if (!uploads.verifyLink(id, exp, sig)) throw new GatewayError('GW_ERR_NOT_FOUND', 'no such file');
      const found = await uploads.get(id);
      if (!found) throw new GatewayError('GW_ERR_NOT_FOUND', 'no such file');
      const { meta, file } = found;
      res.setHeader('Content-Type', meta.mime);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      // Shown in the widget on customer sites (<img> from another origin); the signed link is the access check.
      embeddable(res);
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.setHeader('Content-Disposition', `${meta.inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(meta.name)}`);
      res.sendFile(file, (err) => err && next(err));
    } catch (err) {
      next(err);
    }
  });
}
