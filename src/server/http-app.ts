import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { GatewayError, isGatewayError } from '../core/errors';
import type { GatewayMetrics } from './metrics';

export interface HttpAppDeps {
  logger: Logger;
  metrics: GatewayMetrics;
  /** Throws when the database is unreachable or migrations are pending. */
  readiness(): Promise<void>;
}

/**
 * The Express app: health, readiness and metrics here; channels, the API and pages
 * are routers mounted on `routes` by the gateway. Body parsing is left to each router
 * (webhooks need the raw bytes for signatures).
 */
export function createHttpApp(deps: HttpAppDeps): { app: Express; routes: Router } {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.readiness();
      res.json({ status: 'ready' });
    } catch (err) {
      res.status(503).json({ status: 'not_ready', error: err instanceof Error ? err.message : String(err) });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  const routes = express.Router();
  app.use(routes);
  app.use((_req, _res, next) => next(new GatewayError('GW_ERR_NOT_FOUND', 'no such route')));
  app.use(errorHandler(deps));
  return { app, routes };
}

/** Every error leaves as `{"error":{"code","message"}}` with its status; never a stack trace. */
function errorHandler(deps: HttpAppDeps): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = toGatewayError(err);
    deps.metrics.errors.inc({ code: error.code });
    if (error.status >= 500) deps.logger.error({ err, path: req.path }, 'request failed');
    if (res.headersSent) return;
    if (error.code === 'GW_ERR_RATE_LIMITED') res.setHeader('Retry-After', '60');
    res.status(error.status).json({ error: error.toJSON() });
  };
}

function toGatewayError(err: unknown): GatewayError {
  if (isGatewayError(err)) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') return new GatewayError('GW_ERR_CONTENT_TOO_LARGE', 'request body too large');
  if (e?.type === 'entity.parse.failed') return new GatewayError('GW_ERR_VALIDATION', `request body is not valid JSON (${String(e.message ?? '').slice(0, 200)})`);
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new GatewayError('GW_ERR_VALIDATION', e.message ?? 'bad request');
  return new GatewayError('GW_ERR_INTERNAL', 'internal error');
}
