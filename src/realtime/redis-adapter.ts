import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { Server } from 'socket.io';

/**
 * Several gateway nodes: Socket.IO's Redis streams adapter relays every room broadcast to
 * the other nodes and keeps the sessions that connection state recovery needs in Redis,
 * so a widget or an agent reconnecting to another node gets what it missed
 * (https://socket.io/docs/v4/redis-streams-adapter/). The URL is never logged.
 */
export async function attachRedisAdapter(io: Server, url: string, logger: Logger, connectTimeoutMs = 5_000): Promise<{ close(): Promise<void> }> {
  const client = createClient({ url, socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: (retries) => Math.min(1000, 50 * 2 ** retries) } });
  let reported = false;
  client.on('error', (err: Error) => {
    // node-redis reconnects by itself; say it once per outage, without the URL.
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
  io.adapter(createAdapter(client));
  return {
    close: async () => {
      if (client.isOpen) await client.quit().catch(() => client.destroy());
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e as Error)),
    );
  });
}
