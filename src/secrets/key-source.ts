import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError, type GatewayConfig } from '../config/config';
import { makeDirectoryDurably, writeFileDurablySync } from '../core/durable-file';
import { GatewayError } from '../core/errors';
import { SecretBox } from './secret-box';
import { parseSecretKey, SECRET_KEY_BYTES, SECRET_KEY_HELP } from './secret-key';

/** Where the embedded install keeps the key it generated (docs/decisions/0012-secrets-at-rest.md). */
export const KEY_FILE = 'secret.key';

/**
 * The box that seals this gateway's secrets at rest:
 * - OMNIGATE_SECRET_KEY when it is set;
 * - with DATABASE_URL and no key: refuse to start (config.ts refuses first; this guards
 *   a config built some other way) — several nodes must share one key, so none may invent it;
 * - on the embedded database: the key in DATA_DIR/secret.key, generated (mode 0600) on
 *   the first start, so `npm start` needs no setup. It sits beside the data it protects:
 *   it keeps secrets out of database dumps and copies of the pglite directory, not out of
 *   a copy of the whole DATA_DIR.
 */
export function openSecretBox(config: Pick<GatewayConfig, 'secretKey' | 'databaseUrl' | 'dataDir'>, logger: Logger): SecretBox {
  if (config.secretKey) return new SecretBox(Buffer.from(config.secretKey, 'base64'));
  if (config.databaseUrl) {
    throw new ConfigError([{ variable: 'OMNIGATE_SECRET_KEY', message: `is required with DATABASE_URL (every node must seal with the same key); it ${SECRET_KEY_HELP}` }]);
  }
  return new SecretBox(embeddedKey(config.dataDir, logger));
}

function embeddedKey(dataDir: string, logger: Logger): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  makeDirectoryDurably(dataDir);
  try {
    // Flushed before anything is sealed with it: after a power cut, a key on disk must
    // still be the one the database's secrets were sealed with.
    writeFileDurablySync(file, `${randomBytes(SECRET_KEY_BYTES).toString('base64')}\n`, { mode: 0o600, exclusive: true });
    const key = readKeyFile(file);
    logger.info({ file, keyId: new SecretBox(key).keyId }, 'OMNIGATE_SECRET_KEY is not set: generated a secret key for the embedded database; keep it with DATA_DIR (without it the stored channel tokens cannot be read)');
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = readKeyFile(file);
  if ((fs.statSync(file).mode & 0o077) !== 0) logger.warn({ file }, 'the secret key file can be read by other users of this machine: chmod 600 it');
  return key;
}

function readKeyFile(file: string): Buffer {
  const key = parseSecretKey(fs.readFileSync(file, 'utf8'));
  if (!key) throw new GatewayError('GW_ERR_CONFIG_INVALID', `${file} does not hold a secret key (it ${SECRET_KEY_HELP}); restore it from a backup, or set OMNIGATE_SECRET_KEY`);
  return key;
}
