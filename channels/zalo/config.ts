import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../../src/config/config';

/**
 * Zalo OA credentials, from the environment, validated once and frozen (P12).
 *
 * Assumptions:
 * 1. One Zalo app (ZALO_APP_ID / ZALO_APP_SECRET) and one OA (ZALO_OA_ID) per gateway.
 * 2. ZALO_OA_SECRET_KEY is the key on the app's **Webhook** page — not the App Secret.
 *    It signs webhooks; the App Secret only authenticates OAuth calls.
 *    ref: https://docs.etelecom.vn/api-etelecom-english/api-integration/zalo-cloud/instructions-for-connecting-zalo-cloud
 * 3. ZALO_REFRESH_TOKEN (and optionally ZALO_ACCESS_TOKEN) only SEED the token store: refresh tokens are
 *    single-use, so after the first rotation the stored pair wins and these values are stale.
 */

const CREDENTIAL_VARS = [
  'ZALO_APP_ID',
  'ZALO_APP_SECRET',
  'ZALO_OA_ID',
  'ZALO_OA_SECRET_KEY',
  'ZALO_ACCESS_TOKEN',
  'ZALO_REFRESH_TOKEN',
] as const;

const numericId = (what: string) => z.string({ error: 'is required' }).trim().regex(/^\d{1,32}$/, `must be the numeric ${what}`);
const secret = z.string({ error: 'is required' }).trim().min(8, 'looks too short to be a Zalo key');
const baseUrl = z
  .string()
  .trim()
  .url('must be an http(s) URL')
  .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

export const zaloConfigSchema = z.object({
  ZALO_APP_ID: numericId('app id from developers.zalo.me'),
  ZALO_APP_SECRET: secret,
  ZALO_OA_ID: numericId('Official Account id'),
  ZALO_OA_SECRET_KEY: secret,
  ZALO_ACCESS_TOKEN: z.string().trim().min(1).optional(),
  ZALO_REFRESH_TOKEN: z.string({ error: 'is required (first OAuth v4 code exchange, see channels/zalo/README.md)' }).trim().min(1),
  ZALO_API_URL: baseUrl.default('https://openapi.zalo.me'),
  ZALO_OAUTH_URL: baseUrl.default('https://oauth.zaloapp.com'),
});

export interface ZaloConfig {
  readonly appId: string;
  readonly appSecret: string;
  readonly oaId: string;
  readonly oaSecretKey: string;
  /** Seed only (see assumption 3). */
  readonly accessToken: string | undefined;
  /** Seed only (see assumption 3). */
  readonly refreshToken: string;
  /** OA Open API base, no trailing slash. */
  readonly apiUrl: string;
  /** OAuth v4 base, no trailing slash. */
  readonly oauthUrl: string;
}

export type ZaloConfigResult = { ok: true; config: ZaloConfig } | { ok: false; problems: ConfigProblem[] };

/**
 * `null` when no Zalo credential is set (the channel is simply off); otherwise the
 * frozen config or every problem found (variable + message; never a value).
 */
export function validateZaloConfig(env: Record<string, string | undefined>): ZaloConfigResult | null {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('ZALO_') && v !== undefined && v.trim() !== ''));
  if (!CREDENTIAL_VARS.some((name) => name in present)) return null;
  const parsed = zaloConfigSchema.safeParse(present);
  if (!parsed.success) {
    // Only the path and our own messages: zod's messages never echo the input, and we add none that do.
    return { ok: false, problems: parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? 'ZALO_*'), message: i.message })) };
  }
  const v = parsed.data;
  const config: ZaloConfig = {
    appId: v.ZALO_APP_ID,
    appSecret: v.ZALO_APP_SECRET,
    oaId: v.ZALO_OA_ID,
    oaSecretKey: v.ZALO_OA_SECRET_KEY,
    accessToken: v.ZALO_ACCESS_TOKEN,
    refreshToken: v.ZALO_REFRESH_TOKEN,
    apiUrl: v.ZALO_API_URL,
    oauthUrl: v.ZALO_OAUTH_URL,
  };
  return { ok: true, config: Object.freeze(config) };
}

/** Like `validateZaloConfig`, but throws the core's ConfigError (all problems at once) when invalid. */
export function loadZaloConfig(env: Record<string, string | undefined>): ZaloConfig | null {
  const result = validateZaloConfig(env);
  if (result === null) return null;
  if (!result.ok) throw new ConfigError(result.problems.map((p) => ({ ...p, message: `${p.message} (Zalo OA channel)` })));
  return result.config;
}
