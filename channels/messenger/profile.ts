import { contactProfileSchema, type ContactProfile } from '../../src/core/message';
import type { PageTokens } from './pages';
import type { GraphApi } from './graph-api';

/**
 * Contact names and pictures, fetched lazily and cached with a TTL. This is enrichment,
 * never a gate: any failure (no permission, unknown page, timeout, user gone) yields
 * `null` and is reported to `onError` for the log — nothing waits on it or fails for it.
 * Failures are cached for a shorter time so a Graph outage isn't hammered per message.
 * Profile reads need the contact to have messaged the Page, and business apps need
 * "Business Asset User Profile Access"; `profile_pic` URLs expire (hence the TTL).
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/identity/user-profile
 */
export interface ProfileFetcher {
  get(pageId: string, psid: string): Promise<ContactProfile | null>;
}

export interface ProfileFetcherOptions {
  graph: GraphApi;
  pages: PageTokens;
  ttlMs?: number;
  failureTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
  onError?: (err: unknown, where: { pageId: string; psid: string }) => void;
}

export function createProfileFetcher(opts: ProfileFetcherOptions): ProfileFetcher {
  const ttl = opts.ttlMs ?? 24 * 3_600_000;
  const failureTtl = opts.failureTtlMs ?? 5 * 60_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { value: ContactProfile | null; expires: number }>();
  const inFlight = new Map<string, Promise<ContactProfile | null>>();

  const remember = (key: string, value: ContactProfile | null, forMs: number) => {
    cache.delete(key);
    cache.set(key, { value, expires: now() + forMs });
    // Map keeps insertion order: the first key is the oldest write.
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  };

  const fetchProfile = async (key: string, pageId: string, psid: string): Promise<ContactProfile | null> => {
    try {
      const token = await opts.pages.tokenOf(pageId);
      if (!token) throw new Error(`no access token for Page ${pageId}`);
      const value = toProfile(await opts.graph.getProfile(token, psid));
      remember(key, value, ttl);
      return value;
    } catch (err) {
      opts.onError?.(err, { pageId, psid });
      remember(key, null, failureTtl);
      return null;
    }
  };

  return {
    async get(pageId, psid) {
      const key = `${pageId}:${psid}`;
      const hit = cache.get(key);
      if (hit && hit.expires > now()) return hit.value;
      const pending = inFlight.get(key);
      if (pending) return pending;
      const p = fetchProfile(key, pageId, psid).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
  };
}

/** first + last name → `name`, `profile_pic` → `avatarUrl`; anything the core would reject is dropped. */
export function toProfile(raw: { first_name?: unknown; last_name?: unknown; profile_pic?: unknown }): ContactProfile | null {
  const name = [raw.first_name, raw.last_name]
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .map((p) => p.trim())
    .join(' ')
    .slice(0, 255);
  const profile: ContactProfile = {};
  if (name) profile.name = name;
  if (typeof raw.profile_pic === 'string' && contactProfileSchema.shape.avatarUrl.safeParse(raw.profile_pic).success) profile.avatarUrl = raw.profile_pic;
  return profile.name || profile.avatarUrl ? profile : null;
}
