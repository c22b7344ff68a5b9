import { createGateway, type Gateway } from '../src/server/gateway';
import { createLogger, type Logger } from '../src/server/logger';
import { openStore } from '../src/store/database';
import { openSecretBox } from '../src/secrets/key-source';
import type { ChannelAdapter } from '../src/core/channel';
import { createInbox } from '../src/store/repos/inboxes';
import type { Db } from '../src/store/unit-of-work';
import { createWidgetChannel } from '../channels/widget';
import { createMessengerChannel } from '../channels/messenger';
import { DbPageStore } from '../channels/messenger/db-page-store';
import { messengerAdminPaths, messengerAdminRoutes } from '../channels/messenger/admin-routes';
import { createZaloChannel } from '../channels/zalo';
import { DbTokenStore } from '../channels/zalo/db-token-store';
import { zaloAdminPaths, zaloAdminRoutes } from '../channels/zalo/admin-routes';
import { FaqBot } from '../bots/faq/faq-bot';
import { loadEmbeddingProvider } from '../bots/faq/embedding';
import { entriesForInbox } from '../bots/faq/faq-store';
import { faqAdminRoutes, faqPaths } from '../bots/faq/admin-routes';
import { WebhookBot } from '../bots/webhook/webhook-bot';
import { botDecisionPaths, botDecisionRoute } from '../bots/webhook/decision-route';
import { InboxBot, webhookTargetOf } from './inbox-bot';
import { pagesRouter } from './pages';
import type { Settings } from './settings';

/**
 * The composition root: the one place that lists the channels and the bots and hands
 * them to the core. Adding a channel = one folder under channels/ plus one line here.
 */
export async function composeGateway(settings: Settings, logger: Logger = createLogger(settings.core.logLevel)): Promise<Gateway> {
  const config = settings.core;
  // Before the store: a missing key stops the start before anything is opened (src/secrets/key-source.ts).
  const secrets = openSecretBox(config, logger);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, preparedStatements: config.databasePreparedStatements });
  const channels: ChannelAdapter[] = [createWidgetChannel()];
  const messenger = settings.messenger ? createMessengerChannel(settings.messenger, { pageStore: new DbPageStore(store.db, secrets) }) : null;
  if (messenger) channels.push(messenger);
  const zalo = settings.zalo ? createZaloChannel(settings.zalo, { store: new DbTokenStore(store.db, store.kind, secrets) }) : null;
  if (zalo) channels.push(zalo);
  const db = store.db;
  const embedding = await loadEmbeddingProvider(settings.faqEmbeddingDir);
  const faq = new FaqBot((inboxId) => entriesForInbox(db, inboxId), { embedding });
  const webhook = new WebhookBot((inboxId) => webhookTargetOf(db, secrets, inboxId), logger);
  return createGateway({
    config,
    logger,
    store,
    secrets,
    channels,
    bot: new InboxBot(db, secrets, faq, webhook),
    mount: async (gateway) => {
      await ensureChannelInboxes(db, settings);
      gateway.api.router.use(faqAdminRoutes(db, gateway.api, faq));
      gateway.api.router.use(
        botDecisionRoute({
          inboxOf: async (id) => (await db.selectFrom('conversations').select('inbox_id').where('id', '=', id).executeTakeFirst())?.inbox_id ?? null,
          targetOf: (inboxId) => webhookTargetOf(db, secrets, inboxId),
          apply: (id, decision, question) => gateway.applyBotDecision(id, decision, question),
        }),
      );
      gateway.api.describe({ ...faqPaths, ...botDecisionPaths });
      if (messenger) {
        gateway.api.router.use(messengerAdminRoutes(db, gateway.api, messenger));
        gateway.api.describe(messengerAdminPaths);
      }
      if (zalo) {
        const routes = zaloAdminRoutes({ db, api: gateway.api, channel: zalo, publicUrl: () => gateway.publicUrl(), secrets });
        gateway.api.router.use(routes.api);
        gateway.routes.use(routes.callback);
        gateway.api.describe(zaloAdminPaths);
      }
      gateway.routes.use(pagesRouter());
    },
  });
}

/** Every configured Facebook Page and Zalo OA gets its inbox (they can also be added through the admin API). */
async function ensureChannelInboxes(db: Db, settings: Settings): Promise<void> {
  const wanted: { channel: string; accountId: string; name: string }[] = [
    ...Object.keys(settings.messenger?.pages ?? {}).map((pageId) => ({ channel: 'messenger', accountId: pageId, name: `Facebook Page ${pageId}` })),
    ...(settings.zalo ? [{ channel: 'zalo', accountId: settings.zalo.oaId, name: `Zalo OA ${settings.zalo.oaId}` }] : []),
  ];
  for (const w of wanted) {
    const exists = await db.selectFrom('inboxes').select('id').where('channel', '=', w.channel).where('account_id', '=', w.accountId).executeTakeFirst();
    if (!exists) await createInbox(db, { ...w, botEnabled: true });
  }
}
