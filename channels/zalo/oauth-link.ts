import { createHash, randomBytes } from 'node:crypto';

/**
 * The OA consent link (OAuth v4 with PKCE) for the first connection.
 * `https://oauth.zaloapp.com/v4/oa/permission?app_id=…&redirect_uri=…&code_challenge=…&state=…`;
 * the callback receives `code` (valid 10 min, single use) and `oa_id`; then
 * `exchangeAuthorizationCode(…, code, codeVerifier)` (oauth-client.ts) gives the first pair.
 * ref: https://github.com/zaloplatform/zalo-php-sdk/blob/6bacb1b/src/Util/PKCEUtil.php (S256, base64url without padding)
 * ref: channels.md §2.7
 */

export function createPkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { codeVerifier, codeChallenge: pkceChallenge(codeVerifier) };
}

export function pkceChallenge(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

export function buildConsentUrl(opts: { oauthUrl: string; appId: string; redirectUri: string; codeChallenge: string; state: string }): string {
  const query = new URLSearchParams({
    app_id: opts.appId,
    redirect_uri: opts.redirectUri,
    code_challenge: opts.codeChallenge,
    state: opts.state,
  });
  return `${opts.oauthUrl}/v4/oa/permission?${query.toString()}`;
}
