import { isIP } from 'node:net';
import { z } from 'zod';
import { RATE_LIMIT_DEFAULTS, RATE_LIMIT_NAMES, type LimitRule, type RateLimitName, type RateLimitRules } from '../core/rate-limits';
import { parseSecretKey, SECRET_KEY_HELP } from '../secrets/secret-key';

/**
 * All settings come from the environment (and an optional `.env`), are validated once
 * at start, then frozen and passed down. Nothing else reads `process.env`.
 * Every variable is documented in `.env.example`.
 */
const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.string().url().optional());

export const coreConfigSchema = z
  .object({
    PORT: port.default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: optionalUrl
      .optional()
      .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL'),
    // off behind PgBouncer in transaction mode (before 1.21): it cannot keep prepared statements (src/store/prepared-pool.ts).
    DATABASE_PREPARED_STATEMENTS: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    REDIS_URL: optionalUrl
      .optional()
      .refine((v) => v === undefined || /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL'),
    PUBLIC_URL: optionalUrl.optional(),
    // Bearer token Prometheus must send for GET /metrics; unset = /metrics is off (404).
    OMNIGATE_METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{24,256}$/, 'must be 24 to 256 printable characters without spaces (e.g. openssl rand -hex 32)').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    OMNIGATE_ADMIN_EMAIL: z.string().trim().email().optional(),
    OMNIGATE_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
    OMNIGATE_REOPEN_WINDOW_HOURS: z.coerce.number().positive().max(24 * 365).default(24 * 7),
    OMNIGATE_AUTO_RESOLVE_HOURS: z.coerce.number({ error: 'must be a number of hours (0 = off)' }).min(0, 'must be 0 (off) or more').max(24 * 365, 'at most 8760 (a year)').default(0),
    OMNIGATE_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    OMNIGATE_INBOUND_LEASE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).min(5, 'must be at least 5 seconds').max(3600, 'at most 3600').default(30),
    // Above the longest send timeout (Graph/Zalo calls time out after 15 s), so a live slow send is never taken over.
    OMNIGATE_SENDING_LEASE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).min(20, 'must be at least 20 seconds (longer than a send may take)').max(3600, 'at most 3600').default(60),
    // Request limits (src/core/rate-limits.ts) and whose address they count (see .env.example).
    OMNIGATE_RATE_LIMITS: z.string().default('').transform(parseRateLimits),
    TRUST_PROXY: z.string().default('loopback').transform(parseTrustProxy),
    // Seals secrets at rest (src/secrets/). Unset: required with DATABASE_URL; on the embedded database generated into DATA_DIR.
    OMNIGATE_SECRET_KEY: z.string().refine((v) => parseSecretKey(v) !== null, SECRET_KEY_HELP).optional(),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.OMNIGATE_ADMIN_EMAIL) !== Boolean(v.OMNIGATE_ADMIN_PASSWORD)) {
      const missing = v.OMNIGATE_ADMIN_EMAIL ? 'OMNIGATE_ADMIN_PASSWORD' : 'OMNIGATE_ADMIN_EMAIL';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required when the other admin variable is set' });
    }
    if (v.DATABASE_URL && !v.OMNIGATE_SECRET_KEY) {
      ctx.addIssue({ code: 'custom', path: ['OMNIGATE_SECRET_KEY'], message: `is required with DATABASE_URL (every node must seal stored secrets with the same key); it ${SECRET_KEY_HELP}` });
    }
  });

type Raw = z.infer<typeof coreConfigSchema>;

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** Keep the plans of the statements every inbound message runs (PostgreSQL only). */
  readonly databasePreparedStatements: boolean;
  readonly redisUrl: string | undefined;
  readonly publicUrl: string;
  /** False when PUBLIC_URL was not given (then the listening address is used). */
  readonly publicUrlConfigured: boolean;
  /** GET /metrics needs `Authorization: Bearer <token>`; no token = /metrics is not served. (Nested so the logger's `token` redaction covers it.) */
  readonly metrics: { readonly token: string | undefined };
  readonly logLevel: Raw['LOG_LEVEL'];
  readonly admin: { readonly email: string; readonly password: string } | undefined;
  readonly reopenWindowMs: number;
  /** Resolve conversations idle this long after the business's last reply (inboxes may override); 0 = off. */
  readonly autoResolveAfterMs: number;
  readonly shutdownTimeoutMs: number;
  /** How long an accepted webhook being processed belongs to its node; after that another node (or a restart) takes it over. */
  readonly inboundLeaseMs: number;
  /** How long an outbound message may stay `sending`; after that its node is presumed dead and it becomes `unknown`. */
  readonly sendingLeaseMs: number;
  /** Request limits in force: the defaults with OMNIGATE_RATE_LIMITS applied (`null` = off). */
  readonly rateLimits: RateLimitRules;
  /** Express's `trust proxy`: false, a number of hops, or trusted proxy addresses/subnets. */
  readonly trustProxy: TrustProxy;
  /** OMNIGATE_SECRET_KEY as base64 (never logged: the logger redacts `secretKey`); undefined = the embedded install's generated key. */
  readonly secretKey: string | undefined;
}

export type TrustProxy = false | number | readonly string[];

export interface ConfigProblem {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Empty strings count as unset, so `FOO=` in a .env file means "use the default". */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** Parse and freeze; throws one ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): GatewayConfig {
  const parsed = coreConfigSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(env)'), message: i.message })));
  }
  const v = parsed.data;
  const config: GatewayConfig = {
    port: v.PORT,
    host: v.HOST,
    dataDir: v.DATA_DIR,
    databaseUrl: v.DATABASE_URL,
    databasePreparedStatements: v.DATABASE_PREPARED_STATEMENTS === 'on',
    redisUrl: v.REDIS_URL,
    publicUrl: (v.PUBLIC_URL ?? `http://${v.HOST === '0.0.0.0' ? '127.0.0.1' : v.HOST}:${v.PORT}`).replace(/\/$/, ''),
    publicUrlConfigured: v.PUBLIC_URL !== undefined,
    metrics: { token: v.OMNIGATE_METRICS_TOKEN },
    logLevel: v.LOG_LEVEL,
    admin: v.OMNIGATE_ADMIN_EMAIL && v.OMNIGATE_ADMIN_PASSWORD ? { email: v.OMNIGATE_ADMIN_EMAIL, password: v.OMNIGATE_ADMIN_PASSWORD } : undefined,
    reopenWindowMs: v.OMNIGATE_REOPEN_WINDOW_HOURS * 3_600_000,
    autoResolveAfterMs: Math.round(v.OMNIGATE_AUTO_RESOLVE_HOURS * 3_600_000),
    shutdownTimeoutMs: v.OMNIGATE_SHUTDOWN_TIMEOUT_MS,
    inboundLeaseMs: Math.round(v.OMNIGATE_INBOUND_LEASE_SECONDS * 1000),
    sendingLeaseMs: Math.round(v.OMNIGATE_SENDING_LEASE_SECONDS * 1000),
    rateLimits: v.OMNIGATE_RATE_LIMITS,
    trustProxy: v.TRUST_PROXY,
    secretKey: v.OMNIGATE_SECRET_KEY === undefined ? undefined : parseSecretKey(v.OMNIGATE_SECRET_KEY)!.toString('base64'),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const WINDOW_UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `name=COUNT/WINDOW` (WINDOW like 30s, 1m, 15m, 1h) or `name=off`, comma-separated, over the defaults. */
function parseRateLimits(spec: string, ctx: z.RefinementCtx): RateLimitRules {
  const rules: Record<RateLimitName, LimitRule | null> = { ...RATE_LIMIT_DEFAULTS };
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name = '', value = ''] = entry.split('=').map((p) => p.trim());
    const rule = /^(\d{1,9})\/(\d{0,6})([smhd])$/.exec(value);
    if (!(RATE_LIMIT_NAMES as string[]).includes(name)) ctx.addIssue({ code: 'custom', message: `unknown limit "${name}" (known: ${RATE_LIMIT_NAMES.join(', ')})` });
    else if (value === 'off') rules[name as RateLimitName] = null;
    else if (!rule || Number(rule[1]) < 1 || Number(rule[2] || 1) < 1) ctx.addIssue({ code: 'custom', message: `"${entry}": expected ${name}=COUNT/WINDOW (e.g. ${name}=20/1m; windows like 30s, 15m, 1h) or ${name}=off` });
    else rules[name as RateLimitName] = { limit: Number(rule[1]), windowMs: Number(rule[2] || 1) * WINDOW_UNITS[rule[3] as keyof typeof WINDOW_UNITS] };
  }
  return rules;
}

const NAMED_SUBNETS = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Whose X-Forwarded-For to believe. `true` (trust every hop) is refused: any client could then
 * choose the address its per-IP limits count.
 */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): TrustProxy {
  const v = value.trim();
  if (v === 'false' || v === '0') return false;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  if (v === 'true') {
    ctx.addIssue({ code: 'custom', message: 'true would let any client choose its address; give the number of proxies in front of the gateway (e.g. 1) or their addresses/subnets' });
    return false;
  }
  const entries = v.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => {
    if (NAMED_SUBNETS.includes(e)) return false;
    const [address = '', prefix, ...rest] = e.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    return family === 0 || rest.length > 0 || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits));
  });
  if (entries.length === 0 || bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `expected false, a number of proxies (e.g. 1), or addresses/subnets (e.g. loopback, 10.0.0.0/8); not understood: ${bad.join(', ') || '(empty)'}` });
  }
  return entries;
}
