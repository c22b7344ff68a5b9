import { SecretBox, SecretBoxError } from './secret-box';

/**
 * A jsonb column that holds credentials (`channel_credentials.data`) stores one sealed
 * document, `{ "sealed": "v1:…" }`: the whole value is a secret (tokens, and what goes
 * with them), and nothing in it is ever queried.
 */
export interface SealedDocument {
  sealed: string;
}

export function sealJson(box: SecretBox, value: unknown): SealedDocument {
  return { sealed: box.seal(JSON.stringify(value ?? null)) };
}

export function isSealedDocument(data: unknown): data is SealedDocument {
  return typeof data === 'object' && data !== null && SecretBox.isSealed((data as { sealed?: unknown }).sealed) && Object.keys(data).length === 1;
}

/** The document's value; throws SecretBoxError when the column is not a sealed document. */
export function openJson<T = unknown>(box: SecretBox, data: unknown): T {
  if (!isSealedDocument(data)) throw new SecretBoxError('not_sealed', 'stored credentials are in plain text where a sealed document is required');
  return JSON.parse(box.open(data.sealed)) as T;
}
