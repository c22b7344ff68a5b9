import { HOUR, systemClock, type Clock } from '../../src/core/clock';
import { isGatewayError } from '../../src/core/errors';
import { contactProfileSchema, type ContactProfile } from '../../src/core/message';
import { zaloCodeOf } from './errors';
import type { ZaloApi } from './oa-api';
import type { AccessTokenSource } from './tokens';
import type { ZaloUserDetailData } from './types';
import { withAccessToken } from './with-token';

/**
 * Contact enrichment (run by the core after parsing, never inside parse — P6):
 * `GET /v3.0/oa/user/detail` → ContactProfile, cached with a TTL.
 * - `display_name`, `avatar` (or the 240 px one); `shared_info.phone` may be a JSON NUMBER → string.
 * - Non-followers answer −213: the profile is null (cached like any answer).
 * - Never throws: a failure gives null, reported to `onError` (not cached, so the next call retries).
 * ref: channels.md §2.8; chatwoot app/services/zalo_oa/client.rb (fetch_user_profile)
 */

export interface ZaloProfilesDeps {
  api: ZaloApi;
  tokens: AccessTokenSource;
  clock?: Clock;
  ttlMs?: number;
  maxEntries?: number;
  onError?: (err: unknown, userId: string) => void;
}

export interface ZaloProfiles {
  get(userId: string): Promise<ContactProfile | null>;
}

export function createZaloProfiles(deps: ZaloProfilesDeps): ZaloProfiles {
  const clock = deps.clock ?? systemClock;
  const ttlMs = deps.ttlMs ?? 6 * HOUR;
  const maxEntries = deps.maxEntries ?? 10_000;
  const cache = new Map<string, { value: ContactProfile | null; expiresAt: number }>();
  const pending = new Map<string, Promise<ContactProfile | null>>();

  const fetchOne = async (userId: string): Promise<ContactProfile | null> => {
    try {
      const data = await withAccessToken(deps.tokens, (token) => deps.api.userDetail(token, userId));
      const value = toContactProfile(data);
      store(userId, value);
      return value;
    } catch (err) {
      if (zaloCodeOf(err) === -213) {
        store(userId, null);
        return null;
      }
      deps.onError?.(isGatewayError(err) ? err : new Error(String(err)), userId);
      return null;
    }
  };

  const store = (userId: string, value: ContactProfile | null) => {
    cache.delete(userId);
    cache.set(userId, { value, expiresAt: clock.now().getTime() + ttlMs });
    if (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  };

  return {
    async get(userId) {
      const hit = cache.get(userId);
      if (hit && hit.expiresAt > clock.now().getTime()) return hit.value;
      const inflight = pending.get(userId);
      if (inflight) return inflight;
      const run = fetchOne(userId).finally(() => pending.delete(userId));
      pending.set(userId, run);
      return run;
    },
  };
}

/** Keeps only fields the core accepts (an invalid avatar URL is dropped, not fatal). */
export function toContactProfile(data: ZaloUserDetailData): ContactProfile | null {
  const candidate: Record<string, string> = {};
  const name = typeof data.display_name === 'string' ? data.display_name.trim() : '';
  if (name) candidate.name = name;
  const avatar = data.avatar || data.avatars?.['240'] || data.avatars?.['120'];
  if (typeof avatar === 'string' && avatar) candidate.avatarUrl = avatar;
  const phone = data.shared_info?.phone;
  if ((typeof phone === 'string' && phone.trim()) || (typeof phone === 'number' && Number.isFinite(phone))) candidate.phone = String(phone).trim();
  const profile: ContactProfile = {};
  for (const [key, value] of Object.entries(candidate)) {
    const one = contactProfileSchema.safeParse({ [key]: value });
    if (one.success) Object.assign(profile, one.data);
  }
  return Object.keys(profile).length ? profile : null;
}
