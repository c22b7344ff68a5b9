import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../../src/config/config';

/**
 * The Messenger channel's settings, from the environment:
 *   MESSENGER_APP_SECRET    the Meta app's secret (signs webhooks, appsecret_proof)
 *   MESSENGER_VERIFY_TOKEN  any string you choose; typed again in Meta's webhook form
 *   MESSENGER_PAGES         `pageId:pageAccessToken` pairs, comma-separated (one app, many Pages)
 *   MESSENGER_GRAPH_URL     default https://graph.facebook.com (the simulator points it elsewhere)
 *   MESSENGER_API_VERSION   default DEFAULT_API_VERSION; pin it, Meta retires versions after ~2 years
 *   MESSENGER_HUMAN_AGENT   true once Meta granted the Human Agent feature (App Review)
 *   MESSENGER_APP_ID        optional: our app id, to recognise our own echoes
 *
 * Secrets never appear in error messages: problems name the variable, not its value.
 */

/** // ref: https://developers.facebook.com/docs/graph-api/changelog (docs examples use v24–v25) */
export const DEFAULT_API_VERSION = 'v24.0';
export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';

export interface MessengerConfig {
  readonly appSecret: string;
  readonly verifyToken: string;
  /** Page id → Page access token. */
  readonly pages: Readonly<Record<string, string>>;
  readonly graphUrl: string;
  readonly apiVersion: string;
  readonly humanAgent: boolean;
  readonly appId: string | undefined;
}

const noSpace = (what: string) => z.string().regex(/^\S+$/, `must be a single ${what} without spaces`);

const schema = z.object({
  MESSENGER_APP_SECRET: noSpace('secret').min(8, 'is too short to be a Meta app secret'),
  MESSENGER_VERIFY_TOKEN: z.string().min(8, 'must be at least 8 characters'),
  MESSENGER_PAGES: z.string().min(1),
  MESSENGER_GRAPH_URL: z
    .string()
    .url('must be an http(s) URL')
    .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL')
    .default(DEFAULT_GRAPH_URL),
  MESSENGER_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v24.0').default(DEFAULT_API_VERSION),
  MESSENGER_HUMAN_AGENT: z
    .string()
    .transform((v) => v.trim().toLowerCase())
    .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be true or false')
    .transform((v) => ['true', '1', 'yes'].includes(v))
    .default(false),
  MESSENGER_APP_ID: z.string().regex(/^\d+$/, 'must be the numeric app id').optional(),
});

/**
 * Parse and freeze. `null` when the channel is not configured at all (none of the app
 * secret, verify token and pages is set — setting only the verify token is treated as a
 * half-done setup and reported); throws one ConfigError listing every problem otherwise.
 */
export function loadMessengerConfig(env: Record<string, string | undefined>): MessengerConfig | null {
  const vars = withoutEmpty(env);
  if (!vars.MESSENGER_APP_SECRET && !vars.MESSENGER_PAGES && !vars.MESSENGER_VERIFY_TOKEN) return null;

  const problems: ConfigProblem[] = [];
  const parsed = schema.safeParse(vars);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'MESSENGER_*');
      // zod's "expected string, received undefined" is the missing case: say it plainly.
      const message = vars[variable] === undefined ? 'is required when the Messenger channel is configured' : issue.message;
      problems.push({ variable, message });
    }
  }
  const pages = vars.MESSENGER_PAGES ? parsePages(vars.MESSENGER_PAGES, problems) : {};
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const v = parsed.data;
  return Object.freeze({
    appSecret: v.MESSENGER_APP_SECRET,
    verifyToken: v.MESSENGER_VERIFY_TOKEN,
    pages: Object.freeze(pages),
    graphUrl: v.MESSENGER_GRAPH_URL.replace(/\/+$/, ''),
    apiVersion: v.MESSENGER_API_VERSION,
    humanAgent: v.MESSENGER_HUMAN_AGENT,
    appId: v.MESSENGER_APP_ID,
  });
}

/** `123:EAAB...,456:EAAB...` → { '123': 'EAAB...', ... }. Problems cite entry numbers, never tokens. */
function parsePages(value: string, problems: ConfigProblem[]): Record<string, string> {
  const pages: Record<string, string> = {};
  const entries = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) problems.push({ variable: 'MESSENGER_PAGES', message: 'lists no page' });
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const pageId = colon < 0 ? '' : entry.slice(0, colon).trim();
    const token = colon < 0 ? '' : entry.slice(colon + 1).trim();
    const where = `entry ${i + 1}`;
    if (colon < 0) problems.push({ variable: 'MESSENGER_PAGES', message: `${where} must be pageId:pageAccessToken` });
    else if (!/^\d+$/.test(pageId)) problems.push({ variable: 'MESSENGER_PAGES', message: `${where}: the page id must be digits` });
    else if (!/^\S+$/.test(token)) problems.push({ variable: 'MESSENGER_PAGES', message: `${where} (page ${pageId}): the access token is empty or has spaces` });
    else if (pages[pageId] !== undefined) problems.push({ variable: 'MESSENGER_PAGES', message: `${where}: page ${pageId} is listed twice` });
    else pages[pageId] = token;
  });
  return pages;
}

/** Empty strings count as unset, as in the core config (`FOO=` in a .env file). */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('MESSENGER_') && v !== undefined && v.trim() !== '') out[k] = v;
  return out;
}
