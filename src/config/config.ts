import { z } from 'zod';

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
    REDIS_URL: optionalUrl
      .optional()
      .refine((v) => v === undefined || /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL'),
    PUBLIC_URL: optionalUrl.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    OMNIGATE_ADMIN_EMAIL: z.string().trim().email().optional(),
    OMNIGATE_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
    OMNIGATE_REOPEN_WINDOW_HOURS: z.coerce.number().positive().max(24 * 365).default(24 * 7),
    OMNIGATE_AUTO_RESOLVE_HOURS: z.coerce.number({ error: 'must be a number of hours (0 = off)' }).min(0, 'must be 0 (off) or more').max(24 * 365, 'at most 8760 (a year)').default(0),
    OMNIGATE_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    OMNIGATE_INBOUND_LEASE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).min(5, 'must be at least 5 seconds').max(3600, 'at most 3600').default(30),
    // Above the longest send timeout (Graph/Zalo calls time out after 15 s), so a live slow send is never taken over.
    OMNIGATE_SENDING_LEASE_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).min(20, 'must be at least 20 seconds (longer than a send may take)').max(3600, 'at most 3600').default(60),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.OMNIGATE_ADMIN_EMAIL) !== Boolean(v.OMNIGATE_ADMIN_PASSWORD)) {
      const missing = v.OMNIGATE_ADMIN_EMAIL ? 'OMNIGATE_ADMIN_PASSWORD' : 'OMNIGATE_ADMIN_EMAIL';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required when the other admin variable is set' });
    }
  });

type Raw = z.infer<typeof coreConfigSchema>;

export interface GatewayConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly publicUrl: string;
  /** False when PUBLIC_URL was not given (then the listening address is used). */
  readonly publicUrlConfigured: boolean;
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
}

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
    redisUrl: v.REDIS_URL,
    publicUrl: (v.PUBLIC_URL ?? `http://${v.HOST === '0.0.0.0' ? '127.0.0.1' : v.HOST}:${v.PORT}`).replace(/\/$/, ''),
    publicUrlConfigured: v.PUBLIC_URL !== undefined,
    logLevel: v.LOG_LEVEL,
    admin: v.OMNIGATE_ADMIN_EMAIL && v.OMNIGATE_ADMIN_PASSWORD ? { email: v.OMNIGATE_ADMIN_EMAIL, password: v.OMNIGATE_ADMIN_PASSWORD } : undefined,
    reopenWindowMs: v.OMNIGATE_REOPEN_WINDOW_HOURS * 3_600_000,
    autoResolveAfterMs: Math.round(v.OMNIGATE_AUTO_RESOLVE_HOURS * 3_600_000),
    shutdownTimeoutMs: v.OMNIGATE_SHUTDOWN_TIMEOUT_MS,
    inboundLeaseMs: Math.round(v.OMNIGATE_INBOUND_LEASE_SECONDS * 1000),
    sendingLeaseMs: Math.round(v.OMNIGATE_SENDING_LEASE_SECONDS * 1000),
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
