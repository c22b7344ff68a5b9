import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, Router } from 'express';
import { Server as SocketServer } from 'socket.io';
import type { Logger } from 'pino';
import type { Bot, BotDecision } from '../core/bot';
import { GatewayError } from '../core/errors';
import type { ChannelAdapter, ChannelCapabilities } from '../core/channel';
import { systemClock, type Clock } from '../core/clock';
import { DomainEventBus } from '../core/event-bus';
import { DOMAIN_EVENT_TYPES } from '../core/domain-events';
import { isGatewayError } from '../core/errors';
import type { GatewayConfig } from '../config/config';
import { openStore, type Store } from '../store/database';
import { migrateToLatest, pendingMigrations } from '../store/migrate';
import { upsertAgent } from '../store/repos/agents';
import type { Db } from '../store/unit-of-work';
import { IngestPipeline } from '../pipeline/ingest';
import { ConversationActions } from '../pipeline/conversation-actions';
import { OutboundMessages } from '../pipeline/outbound';
import { OutboxDispatcher } from '../pipeline/outbox-dispatcher';
import { PlatformEvents } from '../pipeline/platform-events';
import { InboundJournal } from '../pipeline/inbound-journal';
import { setConnectionProblem } from '../store/repos/inboxes';
import { createBotRunner } from '../listeners/bot-runner';
import { createAwayMessages } from '../listeners/away-message';
import { AutoResolver } from '../jobs/auto-resolve';
import { FollowUpJob } from '../follow-ups/follow-up-job';
import { followUpPaths, followUpRoutes } from '../api/follow-up-routes';
import { createSurveySender } from '../surveys/survey-sender';
import { ChannelDirectory } from '../pipeline/channel-directory';
import { sharedSecret } from '../store/repos/settings';
import type { SecretBox } from '../secrets/secret-box';
import { openSecretBox } from '../secrets/key-source';
import { sealSecretsAtRest } from '../secrets/seal-at-rest';
import { UploadStore } from '../uploads/upload-store';
import { mountUploadRoutes } from './upload-routes';
import { PresenceRegistry } from './presence';
import { createHttpApp } from './http-app';
import { AuthService } from '../api/auth-service';
import { createApiRouter, type ApiRouter } from '../api/api-router';
import { conversationRoutes } from '../api/conversation-routes';
import { directoryRoutes } from '../api/directory-routes';
import { contactRoutes } from '../api/contact-routes';
import { contactPaths } from '../api/contact-paths';
import { reportPaths, reportRoutes } from '../api/report-routes';
import { ReportService } from '../reports/report-service';
import { RollupWriter, rollupBatchFor } from '../reports/rollup-writer';
import { attachRedisAdapter } from '../realtime/redis-adapter';
import { closeRedis, connectRedis } from '../cluster/redis-client';
import { MemoryRateBudget } from '../cluster/memory-rate-budget';
import { RedisRateBudget } from '../cluster/redis-rate-budget';
import { MemoryRequestCounter } from '../cluster/memory-request-counter';
import { RedisRequestCounter } from '../cluster/redis-request-counter';
import type { RateLimits } from '../core/rate-limits';
import { createRateLimits } from './rate-limiter';
import { createJobLock } from '../jobs/job-lock';
import { CampaignPlanner } from '../campaigns/planner';
import { CampaignRunner } from '../campaigns/campaign-runner';
import { campaignRoutes } from '../api/campaign-routes';
import { segmentRoutes } from '../api/segment-routes';
import { campaignPaths } from '../api/campaign-paths';
import { inboxBusinessDuration } from '../reports/business-duration';
import { attachAgentRealtime } from '../realtime/agent-namespace';
import { AGENT_NAMESPACE } from '../realtime/agent-protocol';
import { ownOriginOnly } from '../realtime/origin-check';
import { AutoRouter } from '../routing/auto-router';
import { WaitAlerts } from '../realtime/wait-alerts';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { createLogger } from './logger';
import { GatewayMetrics } from './metrics';

export interface GatewayOptions {
  config: GatewayConfig;
  /** Injected by the composition root; the core never imports a channel. */
  channels: readonly ChannelAdapter[];
  bot?: Bot;
  clock?: Clock;
  logger?: Logger;
  /** An already-open store (tests); otherwise opened from the config. */
  store?: Store;
  /** Inbound journal tuning (tests shorten the takeover delay). */
  journal?: { recoverAfterMs?: number; sweepEveryMs?: number };
  /** Extra routers mounted after the channels (pages, API). */
  mount?: (gateway: Gateway) => void | Promise<void>;
  /** Seals secrets at rest; otherwise opened from the config (src/secrets/key-source.ts). */
  secrets?: SecretBox;
}

export interface Gateway {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  readonly store: Store;
  readonly db: Db;
  readonly bus: DomainEventBus<Db>;
  readonly clock: Clock;
  readonly pipeline: IngestPipeline;
  readonly actions: ConversationActions;
  readonly outbound: OutboundMessages;
  readonly dispatcher: OutboxDispatcher;
  /** Keeps the report tables equal to the event log. */
  readonly rollups: RollupWriter;
  /** Verified webhook bodies, stored before they are acknowledged. */
  readonly journal: InboundJournal;
  readonly metrics: GatewayMetrics;
  readonly app: Express;
  readonly routes: Router;
  readonly io: SocketServer;
  readonly httpServer: http.Server;
  readonly channels: ReadonlyMap<string, ChannelAdapter>;
  readonly presence: PresenceRegistry;
  readonly directory: ChannelDirectory;
  readonly uploads: UploadStore;
  /** Emits 'activity' with a ContactActivity (typing, read) from any channel. */
  readonly activity: EventEmitter;
  /** The REST API under /api/v1 and its auth middleware; features add their routes to it. */
  readonly api: ApiRouter;
  readonly auth: AuthService;
  /** Request limits (per IP, token, visitor), counted across nodes through Redis when REDIS_URL is set. */
  readonly rateLimits: RateLimits;
  /** Seals and opens the secrets stored in the database (OMNIGATE_SECRET_KEY). */
  readonly secrets: SecretBox;
  /** Apply a bot decision that arrived after the turn (external bots); false when the conversation is no longer the bot's. */
  applyBotDecision(conversationId: number, decision: BotDecision, question: string): Promise<boolean>;
  /** Assigns waiting conversations to online agents (routing). */
  readonly router: AutoRouter;
  /** Notifies agents about conversations waiting too long. */
  readonly waitAlerts: WaitAlerts;
  /** Resolves conversations idle since the business's last reply (src/jobs/auto-resolve.ts). */
  readonly autoResolver: AutoResolver;
  /** Sends the agents' scheduled follow-ups when due, or tells them why not (src/follow-ups/). */
  readonly followUps: FollowUpJob;
  /** Plans and sends campaigns (src/campaigns/campaign-runner.ts; `runOnce()` for tests). */
  readonly campaigns: CampaignRunner;
  /** The base URL links are made with: PUBLIC_URL, or the listening address. */
  publicUrl(): string;
  /** Start listening on config.host:config.port (0 = any free port); returns the base URL. */
  listen(): Promise<string>;
  /** Stop accepting, drain work in flight, checkpoint and close. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_CAPABILITIES: ChannelCapabilities = { quickReplies: false, images: false, files: false, typingIndicator: false, maxTextLength: 2000 };

/** How far back a starting gateway looks for what a stopped node never gave the bot, the away message or the surveys (their `catchUp`). */
const CATCH_UP_MS = 24 * 3_600_000;

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const store = options.store ?? (await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.databasePreparedStatements }));
  let secrets: SecretBox;
  try {
    secrets = options.secrets ?? openSecretBox(config, logger);
    await migrateToLatest(store.db as never);
    await sealSecretsAtRest(store.db, secrets, logger);
    if (config.admin) await upsertAgent(store.db, { ...config.admin, name: 'Admin', role: 'admin' });
  } catch (err) {
    await store.close();
    throw err;
  }
  const db = store.db;
  const metrics = new GatewayMetrics();
  const bus = new DomainEventBus<Db>((err, event) => {
    metrics.errors.inc({ code: isGatewayError(err) ? err.code : 'GW_ERR_LISTENER' });
    logger.error({ err, conversationId: event.conversationId, channel: event.channel, eventType: event.type }, 'event listener failed');
  });
  bus.onCommit(metrics.onEvent);

  const channels = new Map(options.channels.map((c) => [c.id, c]));
  const pipeline = new IngestPipeline({ db, bus, clock, logger, reopenWindowMs: config.reopenWindowMs, onStored: (path) => metrics.inboundPaths.inc({ path }) });
  const actions = new ConversationActions({ db, bus, clock });
  const outbound = new OutboundMessages(actions);
  const dispatcher = new OutboxDispatcher({ db, bus, clock, logger, channels, sendingLeaseMs: config.sendingLeaseMs });
  const platformEvents = new PlatformEvents({ db, bus, clock });
  const journal = new InboundJournal({
    db,
    intakeDb: store.intake,
    clock,
    logger,
    processorOf: (id) => {
      const channel = channels.get(id);
      return channel?.processWebhook ? (body, at) => channel.processWebhook!(body, at) : undefined;
    },
    recoverAfterMs: config.inboundLeaseMs,
    sweepEveryMs: Math.max(1000, Math.round(config.inboundLeaseMs / 2)),
    ...options.journal,
  });
  bus.onCommit((e) => (e.type === 'message.sent' || (e.type === 'message.status_changed' && e.status === 'pending') ? dispatcher.kick() : undefined), ['message.sent', 'message.status_changed']);
  let botRunner: ReturnType<typeof createBotRunner> | null = null;
  if (options.bot) {
    const runner = (botRunner = createBotRunner({
      db,
      bot: options.bot,
      actions,
      outbound,
      logger,
      capabilitiesOf: (id) => channels.get(id)?.capabilities ?? DEFAULT_CAPABILITIES,
    }));
    bus.onCommit((e) => (e.type === 'message.received' ? runner.run(e) : undefined), ['message.received']);
  }
  // Outside business hours: the away message (after the bot runner, so a handoff it makes is seen).
  const awayMessages = createAwayMessages({ db, actions, outbound, logger, botActive: Boolean(options.bot) });
  bus.onCommit(awayMessages.handle, ['message.received', 'bot.handoff']);

  // Satisfaction surveys (src/surveys/): asked after a resolution, the next question after each answer.
  const surveys = createSurveySender({ db, actions, outbound, clock, logger, channelOf: (id) => channels.get(id) });
  bus.onCommit(surveys.onEvent, ['conversation.resolved', 'survey.answered']);

  const presence = new PresenceRegistry();
  const activity = new EventEmitter();
  const { app, routes } = createHttpApp({
    logger,
    metrics,
    metricsToken: config.metrics.token,
    trustProxy: config.trustProxy,
    readiness: async () => {
      await store.ping();
      const pending = await pendingMigrations(db as never);
      if (pending.length > 0) throw new Error(`migrations pending: ${pending.join(', ')}`);
    },
  });

  const directory = new ChannelDirectory(db, presence, secrets);
  const uploads = new UploadStore(path.join(config.dataDir, 'uploads'), await sharedSecret(db, secrets, 'uploads'), 10 * 1024 * 1024);
  mountUploadRoutes(routes, uploads);
  // Several nodes: rooms, recovered sessions, the platforms' rate budgets and the request limits shared through Redis.
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : null;
  const counter = redis ? new RedisRequestCounter(redis, logger) : new MemoryRequestCounter(() => clock.now().getTime());
  const rateLimits = createRateLimits({ rules: config.rateLimits, counter, trust: app.get('trust proxy fn') });
  const auth = new AuthService(db, clock, rateLimits);
  const api = createApiRouter(auth, { secureCookies: config.publicUrl.startsWith('https://'), limits: rateLimits });
  routes.use('/api/v1', api.router);
  api.router.use(conversationRoutes({ db, actions, outbound, api, uploads, publicUrl: () => publicUrl, channels }));
  // Business-hours figures use each inbox's current hours; when they change, that inbox's rows are rewritten.
  const rollups = new RollupWriter({ db, logger, business: inboxBusinessDuration, batchSize: rollupBatchFor(store.kind) });
  api.router.use(directoryRoutes(db, api, presence, { businessHoursChanged: (inboxId) => rollups.rebuildInBackground(inboxId), secrets, now: () => clock.now() }));
  api.router.use(contactRoutes(db, api, clock));
  api.describe(contactPaths);
  // Delivery/read statuses change nothing a report counts: no rewrite for them (they are most events).
  bus.onCommit((e) => rollups.schedule(e.conversationId), DOMAIN_EVENT_TYPES.filter((t) => t !== 'message.status_changed'));
  const reports = new ReportService({ db, businessDuration: inboxBusinessDuration });
  api.router.use(reportRoutes(api, reports));
  api.describe(reportPaths);
  api.router.use(followUpRoutes({ db, api, clock }));
  api.describe(followUpPaths);
  const httpServer = http.createServer(app);
  // The widget runs on the business's own site: sockets (and the polling fallback) come
  // cross-origin. CORS here is the engine's, before any namespace is known, and never
  // with credentials (no cookie is read cross-origin); who may connect is decided per
  // namespace from the Origin header, which also covers WebSockets (CORS never does):
  // /widget by the inbox's allowed origins, /agent by our own origin (ownOriginOnly).
  const io = new SocketServer(httpServer, {
    serveClient: false,
    cors: { origin: true, credentials: false },
    maxHttpBufferSize: 256 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 },
  });

  if (redis) attachRedisAdapter(io, redis);
  const rateBudget = redis ? new RedisRateBudget(redis, logger) : new MemoryRateBudget();

  io.of(AGENT_NAMESPACE).use(ownOriginOnly({ publicUrl: () => publicUrl, publicUrlConfigured: config.publicUrlConfigured })); // before sign-in
  const agentNsp = attachAgentRealtime({ io, db, bus, auth, clock, api, presence, channels, activity, logger });
  // Timed passes that must not run on every node at once.
  const jobLock = createJobLock(store);
  const waitAlerts = new WaitAlerts(db, agentNsp as never, clock, jobLock);
  const autoResolver = new AutoResolver({ db, actions, clock, logger, defaultAfterMs: config.autoResolveAfterMs, once: jobLock });
  const followUps = new FollowUpJob({
    db, actions, outbound, clock, logger, once: jobLock,
    channelOf: (id) => channels.get(id),
    notifyBlocked: (agentId, e) => void agentNsp.to(`agent:${agentId}`).emit('followup:blocked', e),
  });
  const router = new AutoRouter({ db, bus, clock, actions, presence, logger });
  // Segments and campaigns (issue #11): one planner for previews and sending, the runner on the job lock.
  const planner = new CampaignPlanner({ db, channels });
  const campaigns = new CampaignRunner({ db, bus, actions, outbound, planner, clock, logger, once: jobLock });
  api.router.use(segmentRoutes({ db, api, clock }));
  api.router.use(campaignRoutes({ db, api, clock, planner, runner: campaigns }));
  api.describe(campaignPaths);

  let closing: Promise<void> | null = null;
  let publicUrl = config.publicUrl;
  const gateway: Gateway = {
    config, logger, store, db, bus, clock, pipeline, actions, outbound, dispatcher, journal, rollups, metrics, app, routes, io, httpServer, channels, presence, directory, uploads, activity, api, auth, secrets, router, waitAlerts,
    autoResolver,
    followUps,
    campaigns,
    rateLimits,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo;
          const url = `http://${config.host}:${port}`;
          if (!config.publicUrlConfigured) publicUrl = url;
          resolve(url);
        });
      }),
    close: () => (closing ??= shutdown()),
    publicUrl: () => publicUrl,
    applyBotDecision: (conversationId, decision, question) => {
      if (!botRunner) throw new GatewayError('GW_ERR_NOT_FOUND', 'no bot is configured');
      return botRunner.applyLater(conversationId, decision, question);
    },
  };

  const ingestWithMetrics = async (event: unknown) => {
    const end = metrics.pipelineSeconds.startTimer({ channel: String((event as { channel?: unknown })?.channel ?? 'unknown') });
    const result = await pipeline.ingest(event);
    end();
    if (!result.stored) metrics.duplicates.inc({ channel: String((event as { channel?: unknown }).channel) });
    return result;
  };
  for (const channel of channels.values()) {
    await channel.mount({
      router: routes,
      io,
      logger: logger.child({ channel: channel.id }),
      accept: (body, receivedAt) => journal.accept(channel.id, body, receivedAt),
      connectionProblem: async (accountId, problem) => {
        const changed = await setConnectionProblem(db, { channel: channel.id, accountId }, problem, clock.now());
        if (changed) logger[problem ? 'error' : 'info']({ channel: channel.id, accountId, problem }, problem ? 'channel account needs reconnection' : 'channel account reconnected');
      },
      ingest: ingestWithMetrics,
      platformEvent: (e) => platformEvents.apply(e),
      events: bus as DomainEventBus<unknown>,
      directory,
      uploads,
      secret: (name) => sharedSecret(db, secrets, name),
      activity: (e) => void activity.emit('activity', e),
      publicUrl: () => publicUrl,
      rateBudget,
      rateLimits,
    });
  }
  await options.mount?.(gateway);
  dispatcher.start();
  journal.start();
  waitAlerts.start();
  autoResolver.start();
  followUps.start();
  campaigns.start();
  // After-commit listeners die with their process. What a stopped node committed but never handed to them:
  // report rows behind the log are rewritten; contact messages it never gave the bot (the last day's) are
  // decided on, then contacts who wrote in the current closed period without an away message get it, then
  // the last day's resolutions and answers get the survey question a stopped node never asked.
  rollups.catchUpInBackground();
  const listenersCaughtUp = (async () => {
    const now = clock.now();
    const since = new Date(now.getTime() - CATCH_UP_MS);
    if (botRunner) {
      const n = await botRunner.catchUp(since);
      if (n > 0) logger.info({ messages: n }, 'contact messages a stopped node never gave the bot: decided on now');
    }
    await awayMessages.catchUp(now, since);
    const s = await surveys.catchUp(since);
    if (s > 0) logger.info({ conversations: s }, 'surveys a stopped node never asked: looked at now');
  })().catch((err) => logger.error({ err }, 'what a stopped node left without a bot decision, away message or survey not checked'));

  async function shutdown(): Promise<void> {
    const timeout = setTimeout(() => logger.warn('shutdown is taking long'), config.shutdownTimeoutMs);
    timeout.unref();
    try {
      await new Promise<void>((resolve) => {
        io.close(() => resolve()); // also closes the HTTP server: stop accepting
        httpServer.closeAllConnections?.();
      });
      waitAlerts.stop();
      await listenersCaughtUp;
      await autoResolver.stop();
      await followUps.stop();
      await campaigns.stop();
      await journal.stop();
      await pipeline.drain();
      await router.idle();
      await dispatcher.stop();
      await rollups.stop();
      for (const channel of channels.values()) await channel.close?.();
      if (redis) await closeRedis(redis);
      await store.close();
    } finally {
      clearTimeout(timeout);
    }
  }

  return gateway;
}
