import readline from 'node:readline';
import { startFakeGraph, signedWebhook, textItem, postbackItem } from '../channels/messenger/simulator';
import { startFakeZalo } from '../channels/zalo/simulator/fake-zalo-server';
import type { Gateway } from '../src/server/gateway';
import { composeGateway } from './compose';
import { seedDemo, DEMO } from './demo-seed';
import { loadSettings } from './settings';

const PAGE_ID = '100000000000001';
const PAGE_TOKEN = 'SIMULATED-PAGE-TOKEN';
const APP_SECRET = 'simulated-messenger-app-secret';
const ZALO = { appId: '1000000000000000001', appSecret: 'simulated-zalo-app-secret', oaId: '2000000000000000001', oaSecretKey: 'simulated-oa-secret-key' };

/**
 * `omnigate simulate messenger|zalo`: a local stand-in for Facebook or Zalo on loopback, and
 * the gateway wired to it. Type as a customer; what the bot and agents send back is printed.
 * Agents can answer from the inbox meanwhile. Signed webhooks in, real API calls out.
 */
export async function runSimulator(kind: string, env: Record<string, string | undefined>, io = { input: process.stdin, print: (s: string) => void process.stdout.write(`${s}\n`) }): Promise<number> {
  if (kind !== 'messenger' && kind !== 'zalo') {
    io.print('Usage: omnigate simulate messenger|zalo');
    return 2;
  }
  const fake = kind === 'messenger' ? await startFakeGraph({ pages: { [PAGE_ID]: PAGE_TOKEN }, appSecret: undefined }) : await startFakeZalo(ZALO);
  const channelEnv =
    kind === 'messenger'
      ? { MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: 'simulated-verify-token', MESSENGER_PAGES: `${PAGE_ID}:${PAGE_TOKEN}`, MESSENGER_GRAPH_URL: fake.url }
      : (() => {
          const z = fake as Awaited<ReturnType<typeof startFakeZalo>>;
          const t = z.issueInitialTokens();
          return { ZALO_APP_ID: ZALO.appId, ZALO_APP_SECRET: ZALO.appSecret, ZALO_OA_ID: ZALO.oaId, ZALO_OA_SECRET_KEY: ZALO.oaSecretKey, ZALO_ACCESS_TOKEN: t.accessToken, ZALO_REFRESH_TOKEN: t.refreshToken, ZALO_API_URL: z.url, ZALO_OAUTH_URL: z.oauthUrl };
        })();
  const gw: Gateway = await composeGateway(loadSettings({ ...env, ...channelEnv }));
  await seedDemo(gw.db);
  const base = await gw.listen();
  io.print(`Simulated ${kind === 'messenger' ? 'Facebook Page' : 'Zalo OA'} → ${base}  (inbox: ${base}/inbox, ${DEMO.agent.email} / ${DEMO.agent.password})`);
  io.print('Type a message as the customer and press Enter. "/quit" to stop.');

  const userId = kind === 'messenger' ? '2000000000000042' : '3000000000000042';
  let seen = 0;
  const poll = setInterval(() => {
    const out = sentTexts(kind, fake);
    for (; seen < out.length; seen++) io.print(`  ${kind === 'messenger' ? 'Page' : 'OA'}: ${out[seen]}`);
  }, 100);

  const rl = readline.createInterface({ input: io.input, terminal: false });
  let mid = 0;
  for await (const line of rl) {
    const text = line.trim();
    if (text === '/quit') break;
    if (!text) continue;
    if (kind === 'messenger') {
      const item = /^\/postback\s+(\S+)/.exec(text) ? postbackItem({ pageId: PAGE_ID, psid: userId, payload: text.split(/\s+/)[1]! }) : textItem({ pageId: PAGE_ID, psid: userId, text, mid: `m_sim_${Date.now()}_${++mid}` });
      const { body, headers } = signedWebhook(PAGE_ID, [item], APP_SECRET);
      await fetch(`${base}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    } else {
      const hook = (fake as Awaited<ReturnType<typeof startFakeZalo>>).userSendsText(userId, text);
      await fetch(`${base}/webhooks/zalo`, { method: 'POST', headers: hook.headers, body: hook.rawBody });
    }
  }
  rl.close();
  io.input.pause(); // let the process end even if the terminal stays open
  await new Promise((r) => setTimeout(r, 1500)); // let the last replies arrive
  clearInterval(poll);
  for (const t of sentTexts(kind, fake).slice(seen)) io.print(`  ${kind === 'messenger' ? 'Page' : 'OA'}: ${t}`);
  await gw.close();
  await fake.close();
  return 0;
}

function sentTexts(kind: 'messenger' | 'zalo', fake: unknown): string[] {
  if (kind === 'messenger') {
    return (fake as Awaited<ReturnType<typeof startFakeGraph>>).sentMessages().map((c) => {
      const m = (c.body as { message?: { text?: string; quick_replies?: { title: string }[]; attachment?: { type?: string } } }).message;
      const qr = m?.quick_replies?.length ? `  [${m.quick_replies.map((q) => q.title).join(' | ')}]` : '';
      return `${m?.text ?? `[${m?.attachment?.type ?? 'attachment'}]`}${qr}`;
    });
  }
  return (fake as Awaited<ReturnType<typeof startFakeZalo>>).sent.map((m) => String((m.message as { text?: string }).text ?? '[attachment]'));
}
