import type { Bot, BotDecision, BotTurn } from '../src/core/bot';
import type { Db } from '../src/store/unit-of-work';
import type { SecretBox } from '../src/secrets/secret-box';
import type { WebhookBotTarget } from '../bots/webhook/webhook-bot';

/**
 * An inbox's bot setting: the built-in FAQ bot (default) or an external webhook bot. The
 * webhook's secret is stored sealed (src/secrets/) and opened only here, to sign with.
 */
export async function webhookTargetOf(db: Db, secrets: SecretBox, inboxId: number): Promise<WebhookBotTarget | null> {
  const row = await db.selectFrom('inboxes').select('settings').where('id', '=', inboxId).executeTakeFirst();
  const bot = row?.settings.bot as { type?: unknown; url?: unknown; secret?: unknown } | undefined;
  if (bot?.type !== 'webhook' || typeof bot.url !== 'string' || typeof bot.secret !== 'string') return null;
  return { url: bot.url, secret: secrets.open(bot.secret) };
}

/** Chooses, per inbox, which bot decides: a configured webhook bot, else the FAQ bot. */
export class InboxBot implements Bot {
  readonly name = 'inbox';
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
    private readonly faq: Bot,
    private readonly webhook: Bot,
  ) {}

  async decide(turn: BotTurn): Promise<BotDecision> {
    return (await webhookTargetOf(this.db, this.secrets, turn.inboxId)) ? this.webhook.decide(turn) : this.faq.decide(turn);
  }
}
