import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server } from 'socket.io';
import type { RedisClient } from '../cluster/redis-client';

/**
 * Several gateway nodes: Socket.IO's Redis streams adapter relays every room broadcast to
 * the other nodes and keeps the sessions that connection state recovery needs in Redis,
 * so a widget or an agent reconnecting to another node gets what it missed
 * (https://socket.io/docs/v4/redis-streams-adapter/). The adapter duplicates the client
 * for its blocking stream reads, so the shared connection stays free for other calls.
 */
export function attachRedisAdapter(io: Server, client: RedisClient): void {
  io.adapter(createAdapter(client));
}
