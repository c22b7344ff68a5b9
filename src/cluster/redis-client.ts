import type { Logger } from 'pino';
import { createClient } from 'redis';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * The node's Redis connection (REDIS_URL), shared by the Socket.IO adapter and the rate
 * budget. Unreachable at start → an error that never contains the URL (it may hold a
 * password); later outages are reported once each while node-redis reconnects.
 */
export async function connectRedis(url: string, logger: Logger, connectTimeoutMs = 5_000): Promise<RedisClient> {
  const client = createClient({ url, socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: (retries) => Math.min(1000, 50 * 2 ** retries) } });
  let reported = false;
  client.on('error', (err: Error) => {
    if (!reported) logger.error({ err: err.message }, 'redis connection error (reconnecting)');
    reported = true;
  });
  client.on('ready', () => {
    if (reported) logger.info('redis connection restored');
    reported = false;
  });
  try {
    await withTimeout(client.connect(), connectTimeoutMs);
  } catch (err) {
    await client.destroy();
    throw new Error(`Redis (REDIS_URL) could not be reached: ${(err as Error).message.replace(url, '[redacted]')}`);
  }
  return client;
}

export async function closeRedis(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  // QUIT waits in the offline queue for a connection: during an outage that never comes, so drop it.
  if (!client.isReady) return void client.destroy();
  await withTimeout(client.quit(), 2_000).catch(() => client.destroy());
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e as Error)),
    );
  });
}
