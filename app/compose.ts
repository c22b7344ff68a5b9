import type { GatewayConfig } from '../src/config/config';
import { createGateway, type Gateway } from '../src/server/gateway';
import type { Logger } from '../src/server/logger';
import { createWidgetChannel } from '../channels/widget';
import { pagesRouter } from './pages';

/**
 * The composition root: the one place that lists the channels and the bot and hands
 * them to the core. Adding a channel = one folder under channels/ plus one line here.
 */
export async function composeGateway(config: GatewayConfig, logger?: Logger): Promise<Gateway> {
  return createGateway({
    config,
    logger,
    channels: [createWidgetChannel()],
    mount: (gateway) => {
      gateway.routes.use(pagesRouter());
    },
  });
}
