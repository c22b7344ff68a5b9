import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/postgres-cluster';
import { runCli, waitForOutput, type RunningCli } from '../support/cli-process';

jest.setTimeout(120_000);

const running: RunningCli[] = [];
afterAll(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});

describe('configuration at start', () => {
  test('a bad configuration exits with code 2 and names every bad variable, without a stack trace', async () => {
    const run = runCli(['start'], {
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
      OMNIGATE_ADMIN_EMAIL: 'not-an-email',
      OMNIGATE_ADMIN_PASSWORD: 'short',
      MESSENGER_VERIFY_TOKEN: 'verify-token-123',
      OMNIGATE_FAQ_EMBEDDING_DIR: '/nonexistent/model',
    });
    expect(await run.exited).toBe(2);
    const err = run.stderr();
    for (const v of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'OMNIGATE_ADMIN_EMAIL', 'OMNIGATE_ADMIN_PASSWORD', 'MESSENGER_APP_SECRET', 'OMNIGATE_FAQ_EMBEDDING_DIR']) expect(err).toContain(`${v}:`);
    expect(err).not.toContain('verify-token-123');
    expect(err).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(run.stdout()).toBe('');
  });

  test('an unknown command exits with code 2 and shows usage', async () => {
    const run = runCli(['launch'], {});
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/unknown command "launch"/);
    expect(run.stderr()).toMatch(/Usage: omnigate/);
  });
});

describe('embedded store across processes', () => {
  test('data survives a restart; a second process on the same DATA_DIR fails clearly; SIGTERM shuts down cleanly', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-cli-'));
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', OMNIGATE_ADMIN_EMAIL: 'boss@example.vn', OMNIGATE_ADMIN_PASSWORD: 'a-long-password' };
    const first = runCli(['start', '--demo'], env);
    running.push(first);
    await waitForOutput(first, /Omnigate is running/);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);

    const second = runCli(['start'], { ...env, PORT: String(await freePort()) });
    running.push(second);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/DATA_DIR .* is in use by another Omnigate process \(pid \d+/);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toMatch(/stopped cleanly/);
    expect(fs.existsSync(path.join(dataDir, 'omnigate.lock'))).toBe(false);

    const third = runCli(['start', '--demo'], env);
    running.push(third);
    await waitForOutput(third, /Omnigate is running/);
    expect(third.stdout()).not.toMatch(/demo data seeded/);
    const agents = runCli(['migrate'], env); // would fail while `third` holds the directory
    expect(await agents.exited).toBe(1);
    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
    const migrate = runCli(['migrate'], env);
    expect(await migrate.exited).toBe(0);
    expect(migrate.stdout()).toMatch(/up to date/);
  });
});

describe('omnigate faq ask', () => {
  const faq = path.join(__dirname, '..', '..', 'bots', 'faq', 'data', 'demo-faq.json');

  test('answers one question as one JSON line', async () => {
    const run = runCli(['faq', 'ask', '--faq', faq, 'bao hanh bao lau vay shop'], {});
    expect(await run.exited).toBe(0);
    const line = JSON.parse(run.stdout().trim()) as Record<string, unknown>;
    expect(Object.keys(line).sort()).toEqual(['action', 'confidence', 'faqId', 'query', 'reason']);
    expect(line).toMatchObject({ query: 'bao hanh bao lau vay shop', action: 'answer', reason: 'matched' });
  });

  test('answers 1,000 questions from a batch file, one line each', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-faq-'));
    const questions = Array.from({ length: 1000 }, (_, i) => ['giờ mở cửa', 'gặp nhân viên', 'phi ship bn', 'hôm nay trời đẹp'][i % 4]!);
    fs.writeFileSync(path.join(dir, 'q.txt'), questions.join('\n'));
    const run = runCli(['faq', 'ask', '--faq', faq, '--batch', path.join(dir, 'q.txt')], {});
    expect(await run.exited).toBe(0);
    const lines = run.stdout().trim().split('\n').map((l) => JSON.parse(l) as { action: string; reason: string });
    expect(lines).toHaveLength(1000);
    expect(lines[1]).toMatchObject({ action: 'handoff', reason: 'requested' });
  });

  test('a malformed FAQ file names the problem and exits 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-faq-'));
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'id,question,variants,answer,lang\na,,x,y,vi\n');
    const run = runCli(['faq', 'ask', '--faq', path.join(dir, 'bad.csv'), 'hello'], {});
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/line 2/);
  });
});

describe('omnigate simulate', () => {
  test.each(['messenger', 'zalo'])('%s: a customer types, the bot answers through the fake platform API', async (kind) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-sim-'));
    const run = runCli(['simulate', kind], { DATA_DIR: dataDir });
    running.push(run);
    await waitForOutput(run, /Type a message as the customer/);
    run.child.stdin!.write('cửa hàng mở cửa mấy giờ vậy\n');
    await waitForOutput(run, /(Page|OA): .*(8:00|8h)/);
    run.child.stdin!.write('/quit\n');
    expect(await run.exited).toBe(0);
  });
});
