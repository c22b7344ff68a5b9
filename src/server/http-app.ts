import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { GatewayError, isGatewayError } from '../core/errors';
import type { GatewayMetrics } from './metrics';
import { securityHeaders } from './security-headers';
import { bearerMatches } from './bearer-token';

export interface HttpAppDeps {
  logger: Logger;
  metrics: GatewayMetrics;
  /** Throws when the database is unreachable or migrations are pending. */
  readiness(): Promise<void>;
  /** OMNIGATE_METRICS_TOKEN: GET /metrics needs it as a bearer token; undefined = /metrics is off. */
  metricsToken?: string | undefined;
  /** Express's `trust proxy` (TRUST_PROXY): which peers' X-Forwarded-For names the client. Default loopback. */
  trustProxy?: false | number | readonly string[];
}

/**
 * The Express app: health, readiness and metrics here; channels, the API and pages
 * are routers mounted on `routes` by the gateway. Body parsing is left to each router
 * (webhooks need the raw bytes for signatures).
 */
export function createHttpApp(deps: HttpAppDeps): { app: Express; routes: Router } {
  const app = express();
  app.disable('x-powered-by');
  // req.ip (every per-IP limit) is the first address, walking back from the peer, that is not a trusted proxy.
  app.set('trust proxy', Array.isArray(deps.trustProxy) ? [...deps.trustProxy] : (deps.trustProxy ?? 'loopback'));

  app.use(securityHeaders());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  // Public (load balancers probe it): ready or not, never why — that goes to the log.
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.readiness();
      res.json({ status: 'ready' });
    } catch (err) {
      deps.logger.warn({ err }, 'not ready');
      res.status(503).json({ status: 'not_ready' });
    }
  });
  // Counters say how busy each channel is and which errors happen: for Prometheus only,
  // with the token; without one configured nothing is served (README, Operations).
  app.get('/metrics', async (req, res, next) => {
    if (!deps.metricsToken) return next(new GatewayError('GW_ERR_NOT_FOUND', 'metrics are off: set OMNIGATE_METRICS_TOKEN to serve them'));
    if (!bearerMatches(req.get('authorization'), deps.metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return next(new GatewayError('GW_ERR_UNAUTHENTICATED', 'GET /metrics needs Authorization: Bearer <OMNIGATE_METRICS_TOKEN>'));
    }
    res.setHeader('Cache-Control', 'no-store');
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
    // The limiter's own wait: a client retrying then is let through (RFC 9110 §10.2.3).
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    res.status(error.status).json({ error: error.toJSON() });
  };
}

function toGatewayError(err: unknown): GatewayError {
  if (isGatewayError(err)) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') return new GatewayError('GW_ERR_CONTENT_TOO_LARGE', 'request body too large');
  if (e?.type === 'entity.parse.failed') return new GatewayError('GW_ERR_VALIDATION', `request body is not valid JSON (${String(e.message ?? '').slice(0, 200)})`);
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new GatewayError('GW_ERR_VALIDATION', e.message ?? 'bad request');
  // The database refused the values themselves — a unique key, or SQLSTATE class 22 (a number
  // out of range, a NUL in text): the caller's input, answered as such; the schemas at the
  // edge catch these first, this is the net under them (https://www.postgresql.org/docs/15/errcodes-appendix.html).
  const sqlState = (err as { code?: unknown })?.code;
  if (sqlState === '23505') return new GatewayError('GW_ERR_CONFLICT', 'this already exists (a name, e-mail or key must be unique)');
  if (typeof sqlState === 'string' && /^22[0-9A-Z]{3}$/.test(sqlState)) return new GatewayError('GW_ERR_VALIDATION', 'a value cannot be stored: out of range, or a character such as NUL that text may not hold');
  return new GatewayError('GW_ERR_INTERNAL', 'internal error');
}
