import { createHash, randomBytes } from 'node:crypto';

/**
 * Token state of the fake Zalo: OAuth v4 semantics as documented (channels.md §2.7).
 * - access tokens expire after `accessTokenTtlMs` (Zalo: 90000 s);
 * - refresh tokens are SINGLE-USE: a refresh returns a new pair and the old refresh token
 *   answers `{error: -14014, error_name: 'Invalid refresh token'}` — with HTTP 200;
 * - authorization codes are single-use and checked against the PKCE S256 challenge.
 * Codes the docs do not name (wrong secret_key / app_id) are the fake's own choice.
 */

export interface FakeTokenOptions {
  appId: string;
  appSecret: string;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  now: () => number;
  /** UNVERIFIED upstream: a public note says a refresh also kills the previous access token. Default false. */
  invalidateOldAccessTokenOnRefresh: boolean;
}

export type OAuthAnswer = Record<string, unknown>;

export class FakeTokenState {
  private readonly access = new Map<string, { expiresAt: number; revoked: boolean }>();
  private readonly refresh = new Map<string, { expiresAt: number; used: boolean; access: string }>();
  private readonly codes = new Map<string, { challenge: string; used: boolean }>();
  refreshCount = 0;

  constructor(private readonly o: FakeTokenOptions) {}

  /** Like a successful code exchange, without the browser: the first pair. */
  issue(): { accessToken: string; refreshToken: string; expiresIn: string } {
    const accessToken = `fake-at-${randomBytes(12).toString('base64url')}`;
    const refreshToken = `fake-rt-${randomBytes(12).toString('base64url')}`;
    const now = this.o.now();
    this.access.set(accessToken, { expiresAt: now + this.o.accessTokenTtlMs, revoked: false });
    this.refresh.set(refreshToken, { expiresAt: now + this.o.refreshTokenTtlMs, used: false, access: accessToken });
    return { accessToken, refreshToken, expiresIn: String(Math.round(this.o.accessTokenTtlMs / 1000)) };
  }

  createAuthorizationCode(codeChallenge: string): string {
    const code = `fake-code-${randomBytes(9).toString('base64url')}`;
    this.codes.set(code, { challenge: codeChallenge, used: false });
    return code;
  }

  /** 'ok', or the Zalo code to answer with (−216 unknown/revoked, −220 expired). */
  checkAccessToken(token: string | undefined): 'ok' | -216 | -220 {
    const entry = token ? this.access.get(token) : undefined;
    if (!entry || entry.revoked) return -216;
    return entry.expiresAt <= this.o.now() ? -220 : 'ok';
  }

  expireAccessTokens(): void {
    const now = this.o.now();
    for (const entry of this.access.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
  }

  /** Current access tokens now answer −216 (invalid), e.g. revoked by a newer issue upstream. */
  invalidateAccessTokens(): void {
    for (const entry of this.access.values()) entry.revoked = true;
  }

  revokeAll(): void {
    for (const entry of this.access.values()) entry.revoked = true;
    for (const entry of this.refresh.values()) entry.used = true;
  }

  /** POST /v4/oa/access_token — always HTTP 200, like Zalo. */
  tokenEndpoint(secretKey: string | undefined, form: URLSearchParams): OAuthAnswer {
    if (secretKey !== this.o.appSecret) return err(-14002, 'Invalid secret key', 'header secret_key does not match the app secret');
    if (form.get('app_id') !== this.o.appId) return err(-14001, 'Invalid app id', 'app_id is missing or unknown');
    const grant = form.get('grant_type');
    if (grant === 'refresh_token') {
      this.refreshCount += 1;
      return this.spendRefreshToken(form.get('refresh_token') ?? '');
    }
    if (grant === 'authorization_code') return this.spendCode(form.get('code') ?? '', form.get('code_verifier') ?? '');
    return err(-14003, 'Invalid grant type', 'grant_type must be refresh_token or authorization_code');
  }

  private spendRefreshToken(token: string): OAuthAnswer {
    const entry = this.refresh.get(token);
    if (!entry || entry.used) return err(-14014, 'Invalid refresh token', 'refresh token is invalid or was already used');
    if (entry.expiresAt <= this.o.now()) return err(-14020, 'Refresh token expired', 'refresh token has expired');
    entry.used = true;
    if (this.o.invalidateOldAccessTokenOnRefresh) {
      const old = this.access.get(entry.access);
      if (old) old.revoked = true;
    }
    return answer(this.issue());
  }

  private spendCode(code: string, verifier: string): OAuthAnswer {
    const entry = this.codes.get(code);
    if (!entry || entry.used) return err(-14019, 'Invalid authorization code', 'code is invalid or was already used');
    entry.used = true;
    const challenge = createHash('sha256').update(verifier, 'ascii').digest('base64url');
    if (challenge !== entry.challenge) return err(-14019, 'Invalid code verifier', 'code_verifier does not match code_challenge');
    return answer(this.issue());
  }
}

function answer(pair: { accessToken: string; refreshToken: string; expiresIn: string }): OAuthAnswer {
  return { access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: pair.expiresIn };
}

function err(error: number, name: string, description: string): OAuthAnswer {
  return { error, error_name: name, error_description: description };
}
