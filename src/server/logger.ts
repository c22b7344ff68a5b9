import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Anything that could hold a secret is redacted by key wherever
 * it appears, so a careless `logger.info({ config })` cannot leak a token.
 */
export const REDACTED_KEYS = [
  'password',
  'password_hash',
  'passwordHash',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'secret',
  'appSecret',
  'secretKey',
  'authorization',
  'cookie',
  'databaseUrl',
  'DATABASE_URL',
  'redisUrl',
  'REDIS_URL',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  return pino(
    {
      level,
      base: { service: 'omnigate' },
      redact: { paths: [...paths, 'req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
