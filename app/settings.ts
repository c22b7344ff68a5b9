import fs from 'node:fs';
import { ConfigError, loadConfig, type ConfigProblem, type GatewayConfig } from '../src/config/config';
import { loadMessengerConfig, type MessengerConfig } from '../channels/messenger/config';
import { loadZaloConfig, type ZaloConfig } from '../channels/zalo/config';

/** Everything configurable, each channel's part validated by the channel's own schema. */
export interface Settings {
  readonly core: GatewayConfig;
  /** null: the channel is not configured (and not mounted). */
  readonly messenger: MessengerConfig | null;
  readonly zalo: ZaloConfig | null;
  /** A local word-vector model for English questions against a Vietnamese FAQ (bots/faq/README.md); off when unset. */
  readonly faqEmbeddingDir: string | undefined;
}

/** Validate every part; one ConfigError lists the problems of all of them together. */
export function loadSettings(env: Record<string, string | undefined>): Settings {
  const problems: ConfigProblem[] = [];
  const attempt = <T>(load: () => T): T | null => {
    try {
      return load();
    } catch (err) {
      if (err instanceof ConfigError) problems.push(...err.problems);
      else throw err;
      return null;
    }
  };
  const core = attempt(() => loadConfig(env));
  const messenger = attempt(() => loadMessengerConfig(env));
  const zalo = attempt(() => loadZaloConfig(env));
  const faqEmbeddingDir = env.OMNIGATE_FAQ_EMBEDDING_DIR?.trim() || undefined;
  if (faqEmbeddingDir && !fs.existsSync(faqEmbeddingDir)) problems.push({ variable: 'OMNIGATE_FAQ_EMBEDDING_DIR', message: `directory ${faqEmbeddingDir} does not exist` });
  if (problems.length > 0 || !core) throw new ConfigError(problems);
  return { core, messenger, zalo, faqEmbeddingDir };
}
