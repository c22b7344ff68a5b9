import type { IncomingMessage } from 'node:http';
import { RateLimit, type RateLimitName, type RateLimitRules, type RateLimits, type RequestCounter } from '../core/rate-limits';

/** Express's compiled `trust proxy` setting: is the address `i` hops from us a proxy we trust? */
export type TrustFn = (address: string, hop: number) => boolean;

/**
 * The gateway's request limits: the configured rules over one set of counters (Redis or
 * this process), and the client address as Express sees it under TRUST_PROXY.
 */
export function createRateLimits(options: { rules: RateLimitRules; counter: RequestCounter; trust: TrustFn }): RateLimits {
  const limits = new Map<RateLimitName, RateLimit>();
  const get = (name: RateLimitName): RateLimit => {
    let limit = limits.get(name);
    if (!limit) limits.set(name, (limit = new RateLimit(name, options.rules[name], options.counter)));
    return limit;
  };
  return {
    get,
    counter: options.counter,
    clientIp: (req) => clientAddress(req, options.trust),
    perIp: (name, message) => async (req, _res, next) => {
      await get(name).enforce(req.ip ?? clientAddress(req, options.trust), message);
      next();
    },
  };
}

/**
 * The same walk as Express's `req.ip` (proxy-addr): from the socket's peer back through
 * X-Forwarded-For, right to left, while the hop is a trusted proxy. The first untrusted
 * address is the client; entries a client wrote itself are never reached unless every proxy
 * in front of them is trusted.
 */
export function clientAddress(req: IncomingMessage, trust: TrustFn): string {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean)
    .reverse();
  const chain = [req.socket?.remoteAddress ?? 'unknown', ...forwarded];
  for (let i = 0; i < chain.length - 1; i++) if (!trust(chain[i]!, i)) return chain[i]!;
  return chain[chain.length - 1]!;
}
